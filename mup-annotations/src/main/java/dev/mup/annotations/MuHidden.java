package dev.mup.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a <em>hidden</em> layer: both its input size (fan_in) and output size (fan_out) are
 * widths, as in the width → width layers of an MLP or the projections of attention.
 *
 * <p>Under μP its init std shrinks like {@code 1/sqrt(fanInMultiplier)} and its Adam learning
 * rate like {@code 1/fanInMultiplier}. Its bias is input-like.
 *
 * <p>On a convolution ({@code Conv1d}, {@code Conv2d}, {@code Conv3d}) the widths are those of its
 * input and output channels; its fans count the kernel area, as PyTorch's do. A {@code Linear}
 * after a flatten of {@code C × H × W} features names the width of the channels {@code C}: its
 * fan_in {@code C·H·W} scales with {@code C} (the spatial size is fixed).
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.FIELD)
public @interface MuHidden {

    /**
     * The {@link Width} field the layer's input size scales with; empty for the model's only
     * width.
     *
     * @return the name of a {@code @Width} field, or {@code ""}
     */
    String fanIn() default "";

    /**
     * The {@link Width} field the layer's output size scales with; empty for the model's only
     * width.
     *
     * @return the name of a {@code @Width} field, or {@code ""}
     */
    String fanOut() default "";
}
