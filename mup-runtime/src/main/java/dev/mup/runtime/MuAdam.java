package dev.mup.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;

/**
 * Adam and AdamW with μP learning rates: PyTorch's update rule
 * ({@code m ← β1·m + (1-β1)·g}, {@code v ← β2·v + (1-β2)·g²},
 * {@code w ← w − lr/(1-β1ᵗ) · m / (sqrt(v)/sqrt(1-β2ᵗ) + ε)}), with each parameter's
 * {@code lr} and weight decay scaled by {@link MuRule}: hidden weights learn {@code m_in} times
 * slower than at base width. Each parameter's ε is the global one times its
 * {@link ParameterScaling#epsilonMultiplier()} ({@link MuOptions#epsilonScaling()}).
 */
public final class MuAdam extends MuOptimizer {

    private final double beta1;
    private final double beta2;
    private final double epsilon;

    private MuAdam(Builder builder) {
        super(builder, UpdateRule.ADAM);
        this.beta1 = builder.beta1();
        this.beta2 = builder.beta2();
        this.epsilon = builder.epsilon;
    }

    /**
     * A builder for a model's Adam.
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
        State state = state(parameterId, weight, 2);
        // scalars are computed in double and rounded once, as PyTorch does with its Python
        // floats: 1 - 0.999f in float arithmetic is off by 5e-5 relative
        float b1 = (float) beta1;
        float c1 = (float) (1.0 - beta1);
        float b2 = (float) beta2;
        float c2 = (float) (1.0 - beta2);
        float sqrtBc2 = (float) Math.sqrt(1.0 - Math.pow(beta2, t));
        float eps = (float) (epsilon * s.epsilonMultiplier());
        float stepSize = (float) (lr / (1.0 - Math.pow(beta1, t)));
        float decay = decayFactor(lr, wd);
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            HostStep host = hostStep(state, weight, grad);
            if (host != null) {
                float rescale = rescaleGrad;
                float clip = clipGrad;
                float coupled = coupledDecay(wd);
                HostUpdate.run(host.grad, host.zero, host.weight, state.memory(0), state.memory(1), (c, n) -> {
                    HostUpdate.effectiveGradient(c.grad, c.weight, n, rescale, clip, coupled);
                    adam(c.grad, c.weight, c.first, c.second, n, b1, c1, b2, c2, sqrtBc2, eps, stepSize, decay);
                });
                if (host.zero == null) {
                    clearGradient(weight);
                }
                return;
            }
            NDArray m = state.array(0);
            NDArray v = state.array(1);
            NDArray g = effectiveGradient(weight, grad, wd);
            m.muli(b1).addi(g.mul(c1));
            v.muli(b2).addi(g.mul(g).muli(c2));
            NDArray denom = v.sqrt().divi(sqrtBc2).addi(eps);
            applyWeightDecay(weight, lr, wd);
            weight.subi(m.mul(stepSize).divi(denom));
        }
        clearGradient(weight);
    }

    /**
     * The parameter's ε: the global ε times its {@link ParameterScaling#epsilonMultiplier()}.
     *
     * @param parameterId a DJL parameter id
     * @return the ε its updates add to {@code √v̂}
     */
    public double epsilon(String parameterId) {
        return epsilon * scaling(parameterId).epsilonMultiplier();
    }

    /**
     * The bias-corrected second moment {@code v̂ = v / (1 − β2ᵗ)} of a parameter after its
     * {@code t}-th update, as a new array the caller closes; Adam divides by {@code √v̂ + ε}.
     * Probes such as the coordinate check's ε probe read it to see how large ε is next to
     * {@code √v̂}.
     *
     * @param parameterId a DJL parameter id
     * @return {@code v̂}, shaped like the parameter, or empty before its first update
     */
    public java.util.Optional<NDArray> secondMomentEstimate(String parameterId) {
        NDArray v = stateArray(parameterId, 1);
        int t = updates(parameterId);
        if (v == null || t == 0) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(v.div((float) (1.0 - Math.pow(beta2, t))));
    }

    /**
     * The fused update of a chunk: the same float operations, in the same order, as the array
     * operations of {@link #update}; the square root is correctly rounded, which libtorch's CPU
     * {@code sqrt} is not always (it is within one unit in the last place).
     */
    private static void adam(
            float[] g, float[] w, float[] m, float[] v, int n,
            float b1, float c1, float b2, float c2, float sqrtBc2, float eps, float stepSize, float decay) {
        for (int i = 0; i < n; i++) {
            float gi = g[i];
            float mi = m[i] * b1 + gi * c1;
            float vi = v[i] * b2 + (gi * gi) * c2;
            m[i] = mi;
            v[i] = vi;
            float denom = (float) Math.sqrt(vi) / sqrtBc2 + eps;
            w[i] = w[i] * decay - mi * stepSize / denom;
        }
    }

    /** Builds {@link MuAdam}. */
    public static final class Builder extends MomentBuilder<Builder> {
        private double epsilon = 1e-8;

        private Builder(MuModel model) {
            super(model, 0.9, 0.999);
        }

        /**
         * Sets ε, added to the denominator.
         *
         * @param epsilon positive
         * @return this builder
         */
        public Builder optEpsilon(double epsilon) {
            if (!(epsilon > 0)) {
                throw new IllegalArgumentException("epsilon must be positive, got " + epsilon);
            }
            this.epsilon = epsilon;
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
         */
        public MuAdam build() {
            checkModel();
            return new MuAdam(this);
        }
    }
}
