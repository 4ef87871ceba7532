package dev.mup.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares the depth of a model: the field holding its repeated residual blocks, a {@code
 * java.util.List} or an array of a {@link MuBlock} class, whose number of elements grows when the
 * model is made deeper.
 *
 * <p>The {@link #base() base} is the number of blocks at which the hyperparameters are tuned;
 * the depth multiplier is {@code m_L = blocks / base}. With depth scaling on (the run-time option
 * {@code MuOptions.depthExponent(α)}: 1 for CompleteP, ½ for depth-μP) every residual branch of
 * these blocks is multiplied by {@code m_L^(−α)} and their learning rates by {@code m_L^(α−1)}
 * (Adam), so that hyperparameters tuned at the base depth stay optimal when blocks are added (Dey
 * et al. 2025, "Don't be lazy: CompleteP enables compute-efficient deep transformers"). The
 * blocks add their branches through a {@code dev.mup.runtime.MuResidual} field, whose multiplier
 * the runtime sets. With the default {@code depthExponent(0)} the annotation changes nothing.
 *
 * <pre>{@code
 * @Width(base = 64) final int dModel;
 * @Depth(base = 2) final List<GptBlock> blocks;
 * }</pre>
 *
 * <p>At most one field of a model may carry it; blocks themselves have no depth of their own.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.FIELD)
public @interface Depth {

    /**
     * The number of blocks at which hyperparameters are tuned; must be positive.
     *
     * @return the base depth
     */
    int base();
}
