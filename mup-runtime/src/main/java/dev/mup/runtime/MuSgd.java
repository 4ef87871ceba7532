package dev.mup.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;

/**
 * SGD, with optional momentum and Nesterov momentum, with μP learning rates: PyTorch's update
 * rule ({@code b ← μ·b + (1-dampening)·g}, {@code w ← w − lr·(g + μ·b)} with Nesterov, else
 * {@code w ← w − lr·b}), each parameter's {@code lr} scaled by {@link MuRule}
 * ({@code m_out / m_in} for hidden weights, {@code m_out} for input-like, {@code m_in} for the
 * readout).
 */
public final class MuSgd extends MuOptimizer {

    private final double momentum;
    private final double dampening;
    private final boolean nesterov;

    private MuSgd(Builder builder) {
        super(builder, UpdateRule.SGD);
        this.momentum = builder.momentum;
        this.dampening = builder.dampening;
        this.nesterov = builder.nesterov;
    }

    /**
     * A builder for a model's SGD.
     *
     * @param model the μP model
     * @return the builder
     */
    public static Builder builder(MuModel model) {
        return new Builder(model);
    }

    @Override
    public void update(String parameterId, NDArray weight, NDArray grad) {
        ParameterScaling s = scaling(parameterId);
        if (updatedAsReplica(parameterId, weight)) {
            return;
        }
        int t = nextStep(parameterId);
        double lr = learningRate(parameterId, t, s);
        double wd = weightDecay(s);
        State state = momentum == 0 ? null : state(parameterId, weight, 1);
        // the first update of the momentum buffer sets it to the gradient, as PyTorch does
        boolean first = state != null && (state.firstUse() | t == 1);
        float mu = (float) momentum;
        float damp = (float) (1.0 - dampening);
        float rate = (float) lr;
        float decay = decayFactor(lr, wd);
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            HostStep host = hostStep(state, weight, grad);
            if (host != null) {
                float rescale = rescaleGrad;
                float clip = clipGrad;
                float coupled = coupledDecay(wd);
                boolean look = nesterov;
                HostUpdate.run(host.grad, host.zero, host.weight, state == null ? null : state.memory(0), null,
                        (c, n) -> {
                            HostUpdate.effectiveGradient(c.grad, c.weight, n, rescale, clip, coupled);
                            if (state == null) {
                                plain(c.grad, c.weight, n, rate, decay);
                            } else {
                                withMomentum(c.grad, c.weight, c.first, n, first, look, mu, damp, rate, decay);
                            }
                        });
                if (host.zero == null) {
                    clearGradient(weight);
                }
                return;
            }
            NDArray direction = effectiveGradient(weight, grad, wd);
            if (state != null) {
                NDArray g = direction;
                NDArray buffer = state.array(0);
                if (first) {
                    // the buffer is zeros: 0 + g is g
                    buffer.addi(g);
                } else {
                    buffer.muli(mu).addi(g.mul(damp));
                }
                direction = nesterov ? g.add(buffer.mul(mu)) : buffer;
            }
            applyWeightDecay(weight, lr, wd);
            weight.subi(direction.mul(rate));
        }
        clearGradient(weight);
    }

    /** The fused update of a chunk without momentum: {@code w ← w·decay − lr·g}. */
    private static void plain(float[] g, float[] w, int n, float rate, float decay) {
        for (int i = 0; i < n; i++) {
            w[i] = w[i] * decay - g[i] * rate;
        }
    }

    /**
     * The fused update of a chunk with momentum: the same float operations, in the same order,
     * as the array operations of {@link #update}.
     */
    private static void withMomentum(
            float[] g, float[] w, float[] b, int n,
            boolean first, boolean nesterov, float mu, float damp, float rate, float decay) {
        if (first) {
            System.arraycopy(g, 0, b, 0, n);
        } else {
            for (int i = 0; i < n; i++) {
                b[i] = b[i] * mu + g[i] * damp;
            }
        }
        if (nesterov) {
            for (int i = 0; i < n; i++) {
                w[i] = w[i] * decay - (g[i] + b[i] * mu) * rate;
            }
        } else {
            for (int i = 0; i < n; i++) {
                w[i] = w[i] * decay - b[i] * rate;
            }
        }
    }

    /** Builds {@link MuSgd}. */
    public static final class Builder extends BaseBuilder<Builder> {
        private double momentum;
        private double dampening;
        private boolean nesterov;

        private Builder(MuModel model) {
            super(model);
        }

        /**
         * Sets the momentum μ.
         *
         * @param momentum in [0, 1)
         * @return this builder
         */
        public Builder optMomentum(double momentum) {
            if (!(momentum >= 0 && momentum < 1)) {
                throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
            }
            this.momentum = momentum;
            return this;
        }

        /**
         * Sets the dampening of the momentum buffer.
         *
         * @param dampening in [0, 1]
         * @return this builder
         */
        public Builder optDampening(double dampening) {
            if (!(dampening >= 0 && dampening <= 1)) {
                throw new IllegalArgumentException("dampening must be in [0, 1], got " + dampening);
            }
            this.dampening = dampening;
            return this;
        }

        /**
         * Uses Nesterov momentum; needs a positive momentum and no dampening.
         *
         * @param nesterov whether to use Nesterov momentum
         * @return this builder
         */
        public Builder optNesterov(boolean nesterov) {
            this.nesterov = nesterov;
            return this;
        }

        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Builds the optimizer.
         *
         * @return the optimizer
         * @throws IllegalStateException naming the first parameter without a value when the model
         *     is not initialized
         * @throws IllegalArgumentException when Nesterov is asked for without momentum or with
         *     dampening
         */
        public MuSgd build() {
            if (nesterov && (momentum <= 0 || dampening != 0)) {
                throw new IllegalArgumentException(
                        "Nesterov momentum needs momentum > 0 and dampening = 0, got momentum "
                                + momentum + ", dampening " + dampening);
            }
            checkModel();
            return new MuSgd(this);
        }
    }
}
