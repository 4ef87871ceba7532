package dev.mup.runtime;

import ai.djl.ndarray.NDArray;

/**
 * A residual connection {@code x + s · branch} whose branch multiplier {@code s} is set by the
 * μP runtime: {@code m_L^(−α)} inside the repeated blocks of a model's {@code @Depth} field when
 * depth scaling is on ({@link MuOptions#depthExponent()}; Dey et al. 2025, "CompleteP"), 1
 * otherwise. A {@code @MuBlock} holds one as a field (not annotated, not a child block: it has no
 * parameters) and adds each of its branches through it, so the forward pass never computes a μP
 * number itself:
 *
 * <pre>{@code
 * @MuBlock
 * public class GptBlock extends AbstractBlock {
 *     final MuResidual attentionResidual = new MuResidual();
 *     final MuResidual mlpResidual = new MuResidual();
 *     ...
 *     x = attentionResidual.add(x, attention(norm1(x)));
 *     x = mlpResidual.add(x, mlp(norm2(x)));
 * }
 * }</pre>
 *
 * <p>One connection may serve several branches (each is scaled the same); one per branch lets a
 * coordinate check record each sum under its own name.
 *
 * <p>The generated code of the block declares the field to {@link MuModelBuilder#residual}, under
 * the block's path ({@code blocks.3.mlpResidual}); the multiplier comes from
 * {@link MuRule#residualMultiplier}. With the multiplier 1 the sum is computed exactly as
 * {@code x.add(branch)}. The observer of a coordinate check sees each sum under that name.
 */
public final class MuResidual implements Observable {

    private volatile double scale = 1.0;
    private volatile boolean used;
    private final ObserverSlot observer = new ObserverSlot();

    /** A residual connection with multiplier 1 until a μP model declares it. */
    public MuResidual() {}

    /**
     * The branch multiplier in force.
     *
     * @return {@code s} of {@code x + s · branch}
     */
    public double scale() {
        return scale;
    }

    void setScale(double scale) {
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("residual multiplier must be positive and finite, got " + scale);
        }
        this.scale = scale;
    }

    /**
     * Adds a branch to the residual stream.
     *
     * @param x the residual stream, any shape
     * @param branch the branch's output, the same shape as {@code x} (or broadcastable to it)
     * @return {@code x + s · branch}, a new array
     */
    public NDArray add(NDArray x, NDArray branch) {
        if (!used) {
            used = true;
        }
        double s = scale;
        NDArray out = s == 1.0 ? x.add(branch) : x.add(Scalars.times(branch, (float) s));
        observer.report("", out);
        return out;
    }

    /** Whether a branch was ever added through this connection ({@link ResidualCheck}). */
    boolean used() {
        return used;
    }

    @Override
    public void observe(String name, ActivationObserver observer) {
        this.observer.set(name, observer);
    }
}
