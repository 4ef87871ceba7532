package dev.mup.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Keeps the parameters of a layer or block in the standard parametrization <em>on purpose</em>:
 * μP does not scale them (their initializer, learning rate and weight decay stay those of the
 * base model, multiplier 1), and says so in the parametrization's table, where they appear with
 * the class {@code Unscaled}.
 *
 * <p>Every parameter of a μP model must be either in a layer with a role ({@link MuInput}, {@link
 * MuHidden}, {@link MuOutput}), in a {@link MuBlock}, or in a field marked {@code @MuUnscaled}:
 * otherwise building a μP optimizer, or asking the parametrization for its parameters, fails with
 * the list of the unclassified parameters. Use it for layers none of whose sizes grows with the
 * width (a small fixed projection, a classifier over a fixed number of features), or to keep a
 * part of the model deliberately out of μP.
 *
 * <p>The field holds a DJL block ({@code ai.djl.nn.Block} or any subclass, such as a {@code
 * SequentialBlock}, a {@code Linear} or a custom block), an array of blocks or a {@code
 * java.util.List} of blocks; all the parameters the block holds, its children's included, are
 * declared unscaled. It is an instance field the generated code can read (not private), in a
 * model or a {@code @MuBlock} class, and carries no other μP annotation.
 *
 * <pre>{@code
 * @MuUnscaled SequentialBlock stem;   // a fixed-size stem, kept as it is
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.FIELD)
public @interface MuUnscaled {}
