package dev.mup.runtime;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Adam and AdamW with μP learning rates: PyTorch's update rule
 * ({@code m ← β1·m + (1-β1)·g}, {@code v ← β2·v + (1-β2)·g²},
 * {@code w ← w − lr/(1-β1ᵗ) · m / (sqrt(v)/sqrt(1-β2ᵗ) + ε)}), with each parameter's
 * {@code lr} and weight decay scaled by {@link MuRule}: hidden weights learn {@code m_in} times
 * slower than at base width.
 */
public final class MuAdam extends MuOptimizer {

    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final Map<String, Map<Device, NDArray>> means = new ConcurrentHashMap<>();
    private final Map<String, Map<Device, NDArray>> variances = new ConcurrentHashMap<>();

    private MuAdam(Builder builder) {
        super(builder, UpdateRule.ADAM);
        this.beta1 = builder.beta1;
        this.beta2 = builder.beta2;
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
        int t = nextStep(parameterId);
        double lr = learningRate(parameterId, t, s);
        double wd = weightDecay(s);
        NDArray m = withDefaultState(means, parameterId, weight.getDevice(), k -> weight.zerosLike());
        NDArray v = withDefaultState(variances, parameterId, weight.getDevice(), k -> weight.zerosLike());
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray g = effectiveGradient(weight, grad, wd);
            // scalars are computed in double and rounded once, as PyTorch does with its Python
            // floats: 1 - 0.999f in float arithmetic is off by 5e-5 relative
            m.muli((float) beta1).addi(g.mul((float) (1.0 - beta1)));
            v.muli((float) beta2).addi(g.mul(g).muli((float) (1.0 - beta2)));
            double biasCorrection1 = 1.0 - Math.pow(beta1, t);
            double biasCorrection2 = 1.0 - Math.pow(beta2, t);
            NDArray denom = v.sqrt().divi((float) Math.sqrt(biasCorrection2)).addi((float) epsilon);
            applyWeightDecay(weight, lr, wd);
            weight.subi(m.mul((float) (lr / biasCorrection1)).divi(denom));
        }
        clearGradient(weight);
    }

    /** Builds {@link MuAdam}. */
    public static final class Builder extends BaseBuilder<Builder> {
        private double beta1 = 0.9;
        private double beta2 = 0.999;
        private double epsilon = 1e-8;

        private Builder(MuModel model) {
            super(model);
        }

        /**
         * Sets β1, the decay of the first moment.
         *
         * @param beta1 in [0, 1)
         * @return this builder
         */
        public Builder optBeta1(double beta1) {
            this.beta1 = unitInterval(beta1, "beta1");
            return this;
        }

        /**
         * Sets β2, the decay of the second moment.
         *
         * @param beta2 in [0, 1)
         * @return this builder
         */
        public Builder optBeta2(double beta2) {
            this.beta2 = unitInterval(beta2, "beta2");
            return this;
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

        private static double unitInterval(double value, String name) {
            if (!(value >= 0 && value < 1)) {
                throw new IllegalArgumentException(name + " must be in [0, 1), got " + value);
            }
            return value;
        }
    }
}
