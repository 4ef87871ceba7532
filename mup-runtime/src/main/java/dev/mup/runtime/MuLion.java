package dev.mup.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;

/**
 * Lion (Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms") with μP learning
 * rates. Per parameter, with gradient {@code g} and momentum {@code m} (zero at first):
 *
 * <pre>
 * c = β1·m + (1−β1)·g
 * w ← w − lr·(sign(c) + wd·w)      (decoupled decay; independent: w ← w − lr·sign(c) − wd·w)
 * m ← β2·m + (1−β2)·g
 * </pre>
 *
 * <p>Like Adam's normalized step, {@code sign(c)} has entries of size 1 whatever the scale of the
 * gradient, so μP scales Lion's learning rates as Adam's ({@link UpdateRule#ADAM} in
 * {@link MuRule}): hidden weights get {@code η/m_in}, input-like and output-like parameters
 * {@code η} (and the readout {@code η/θ} in the form without forward multipliers). Weight decay
 * is decoupled (the default here, as in the Lion paper: the applied decay is {@code lr·wd}) or
 * independent ({@code wd}, not multiplied by the learning rate); coupled L2 decay, which would go
 * through the sign, is refused. Lion's learning rate is typically 3–10× smaller than AdamW's and
 * its weight decay as much larger.
 *
 * <p>As for {@link MuAdam}, float32 CPU parameters are updated by one fused pass in Java, others
 * by engine array operations, with the same float operations in the same order (the same bits:
 * Lion has no square root).
 */
public final class MuLion extends MuOptimizer {

    private final double beta1;
    private final double beta2;

    private MuLion(Builder builder) {
        super(builder, UpdateRule.ADAM);
        this.beta1 = builder.beta1;
        this.beta2 = builder.beta2;
        if (weightDecayMode() == WeightDecayMode.COUPLED && getWeightDecay() != 0) {
            throw new IllegalArgumentException(
                    "Lion takes decoupled or independent weight decay: coupled (L2) decay would be added"
                            + " to the gradient and lost in its sign; use optWeightDecay(wd,"
                            + " WeightDecayMode.DECOUPLED) or WeightDecayMode.INDEPENDENT");
        }
    }

    /**
     * A builder for a model's Lion: β1 = 0.9, β2 = 0.99, learning rate 1e-4, no weight decay
     * unless set.
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
        State state = state(parameterId, weight, 1);
        float b1 = (float) beta1;
        float c1 = (float) (1.0 - beta1);
        float b2 = (float) beta2;
        float c2 = (float) (1.0 - beta2);
        float step = (float) lr;
        float decay = decayFactor(lr, wd);
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            HostStep host = hostStep(state, weight, grad);
            if (host != null) {
                float rescale = rescaleGrad;
                float clip = clipGrad;
                HostUpdate.run(host.grad, host.zero, host.weight, state.memory(0), null, (c, n) -> {
                    HostUpdate.effectiveGradient(c.grad, c.weight, n, rescale, clip, 0f);
                    lion(c.grad, c.weight, c.first, n, b1, c1, b2, c2, step, decay);
                });
                if (host.zero == null) {
                    clearGradient(weight);
                }
                return;
            }
            NDArray m = state.array(0);
            NDArray g = effectiveGradient(weight, grad, 0);
            NDArray direction = m.mul(b1).addi(g.mul(c1)).sign();
            applyWeightDecay(weight, lr, wd);
            weight.subi(direction.muli(step));
            m.muli(b2).addi(g.mul(c2));
        }
        clearGradient(weight);
    }

    /** The fused update of a chunk: the same float operations, in the same order, as {@link #update}. */
    private static void lion(
            float[] g, float[] w, float[] m, int n, float b1, float c1, float b2, float c2, float step, float decay) {
        for (int i = 0; i < n; i++) {
            float gi = g[i];
            float direction = Math.signum(m[i] * b1 + gi * c1);
            w[i] = w[i] * decay - direction * step;
            m[i] = m[i] * b2 + gi * c2;
        }
    }

    /** Builds {@link MuLion}. */
    public static final class Builder extends BaseBuilder<Builder> {
        private double beta1 = 0.9;
        private double beta2 = 0.99;

        private Builder(MuModel model) {
            super(model);
            optLearningRate(1e-4f);
        }

        /**
         * Sets β1, the interpolation between momentum and gradient in the update direction.
         *
         * @param beta1 in [0, 1)
         * @return this builder
         */
        public Builder optBeta1(double beta1) {
            this.beta1 = unitInterval(beta1, "beta1");
            return this;
        }

        /**
         * Sets β2, the decay of the momentum.
         *
         * @param beta2 in [0, 1)
         * @return this builder
         */
        public Builder optBeta2(double beta2) {
            this.beta2 = unitInterval(beta2, "beta2");
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
         * @throws IllegalArgumentException when weight decay is set in coupled mode
         */
        public MuLion build() {
            checkModel();
            return new MuLion(this);
        }

        private static double unitInterval(double value, String name) {
            if (!(value >= 0 && value < 1)) {
                throw new IllegalArgumentException(name + " must be in [0, 1), got " + value);
            }
            return value;
        }
    }
}
