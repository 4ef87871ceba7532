package dev.mup.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a width dimension of a model: an {@code int} field whose value grows when the model
 * is scaled up (hidden size, model dimension, feed-forward size).
 *
 * <p>The {@link #base() base} is the width at which the hyperparameters are tuned. μP scales
 * every width-dependent quantity by the <em>width multiplier</em> {@code value / base}, so that
 * at base width the μP model is exactly the standard model and hyperparameters found there stay
 * optimal when the width grows.
 *
 * <p>Dimensions that do not grow with the model (vocabulary size, number of classes, input
 * features, sequence length) are finite and must not be annotated.
 *
 * <pre>{@code
 * @Width(base = 64) final int width;
 * }</pre>
 *
 * <p>A model may declare several widths (for example {@code dModel} and {@code dFfn}); the role
 * annotations then name the width each layer scales with, by field name.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.FIELD)
public @interface Width {

    /**
     * The width at which hyperparameters are tuned; must be positive.
     *
     * @return the base value of this width dimension
     */
    int base();
}
