package dev.mup.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the <em>readout</em> (output-like) layer: only its input size (fan_in) is a width, as in
 * the final width → classes or width → vocabulary projection.
 *
 * <p>Under μP the readout's input is multiplied by {@code multiplier / fanInMultiplier} in the
 * forward pass, which keeps the logits from growing with width. The generated model installs a
 * readout block that applies this multiplier in place of the annotated one, so the field must
 * not be {@code final}. Its bias is fixed (no width dimension).
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.FIELD)
public @interface MuOutput {

    /**
     * The {@link Width} field the readout's input size scales with; empty for the model's only
     * width.
     *
     * @return the name of a {@code @Width} field, or {@code ""}
     */
    String width() default "";

    /**
     * The output multiplier α_out, a hyperparameter tuned at base width (1 reproduces the
     * standard model there). Can be overridden at run time with {@code MuOptions}.
     *
     * @return the output multiplier; must be positive
     */
    double multiplier() default 1.0;

    /**
     * Whether to initialize the readout weight and bias to zero (as mup's {@code MuReadout}
     * does), which makes the first logits zero and removes their transient at initialization
     * without changing what μP converges to.
     *
     * @return {@code true} to start the readout weight and bias at zero
     */
    boolean zeroInit() default false;
}
