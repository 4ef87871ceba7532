package dev.mup.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an <em>input-like</em> layer: only its output size (fan_out) is a width.
 *
 * <p>Use it for the first {@code Linear} layer (features → width), input embeddings, position
 * embeddings, width-sized {@code LayerNorm}s and {@code BatchNorm}s, and the first convolution
 * (image channels → width channels). Under μP such a layer keeps its base init
 * scale and, with Adam, its base learning rate; with SGD its learning rate grows with the
 * width multiplier. Its bias follows the same rule.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.FIELD)
public @interface MuInput {

    /**
     * The {@link Width} field this layer's output size scales with. May be left empty when the
     * model declares exactly one width.
     *
     * @return the name of a {@code @Width} field, or {@code ""} for the model's only width
     */
    String width() default "";
}
