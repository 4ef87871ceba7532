package dev.mup.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDScope;

/**
 * Adam-atan2 (Everett et al. 2024, "Scaling Exponents Across Parameterizations and Optimizers",
 * ICML): Adam without ε. With Adam's moments {@code m ← β1·m + (1-β1)·g},
 * {@code v ← β2·v + (1-β2)·g²} and their bias corrections {@code m̂ = m/(1-β1ᵗ)},
 * {@code v̂ = v/(1-β2ᵗ)}, the update is
 *
 * <pre>{@code θ ← θ − lr · a · atan2(m̂, b·√v̂)}</pre>
 *
 * which is bounded by {@code lr·a·π/2}, scale invariant (multiplying every gradient by a constant
 * changes nothing), and needs no ε, so nothing in it has to be rescaled with width or depth
 * ({@link EpsilonScaling}). Where {@code |m̂| ≪ b·√v̂} it is Adam's step times {@code a/b}.
 *
 * <p>μP: each parameter's {@code lr} and weight decay are Adam's ({@link UpdateRule#ADAM}:
 * hidden weights learn {@code m_in} times slower than at base width, and the depth factor when
 * depth scaling is on), as Everett et al. use it. Decay modes as for {@link MuAdam}.
 *
 * <p>The fused CPU pass computes {@code atan2} with {@link Math#atan2} in double and rounds once;
 * the array-operation path (GPU and other data types) computes {@code atan(m̂ / (b·√v̂))} (0 where
 * both are 0), which agrees to a few units in the last place.
 */
public final class MuAdamAtan2 extends MuOptimizer {

    private final double beta1;
    private final double beta2;
    private final double a;
    private final double b;

    private MuAdamAtan2(Builder builder) {
        super(builder, UpdateRule.ADAM);
        this.beta1 = builder.beta1();
        this.beta2 = builder.beta2();
        this.a = builder.a;
        this.b = builder.b;
    }

    /**
     * A builder for a model's Adam-atan2.
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
        State state = state(parameterId, weight, 2);
        float b1 = (float) beta1;
        float c1 = (float) (1.0 - beta1);
        float b2 = (float) beta2;
        float c2 = (float) (1.0 - beta2);
        float bc1 = (float) (1.0 - Math.pow(beta1, t));
        float sqrtBc2 = (float) Math.sqrt(1.0 - Math.pow(beta2, t));
        float scale = (float) b;
        float stepSize = (float) (lr * a);
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
                    atan2(c.grad, c.weight, c.first, c.second, n, b1, c1, b2, c2, bc1, sqrtBc2, scale, stepSize,
                            decay);
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
            NDArray y = m.div(bc1);
            NDArray x = v.sqrt().divi(sqrtBc2).muli(scale);
            NDArray angle = y.div(x).atan();
            NDArray both0 = y.eq(0).logicalAnd(x.eq(0));
            angle = NDArrays.where(both0, angle.zerosLike(), angle);
            applyWeightDecay(weight, lr, wd);
            weight.subi(angle.muli(stepSize));
        }
        clearGradient(weight);
    }

    /** The fused update of a chunk: {@code w ← w·decay − lr·a·atan2(m̂, b·√v̂)}. */
    private static void atan2(
            float[] g, float[] w, float[] m, float[] v, int n,
            float b1, float c1, float b2, float c2, float bc1, float sqrtBc2, float scale, float stepSize,
            float decay) {
        for (int i = 0; i < n; i++) {
            float gi = g[i];
            float mi = m[i] * b1 + gi * c1;
            float vi = v[i] * b2 + (gi * gi) * c2;
            m[i] = mi;
            v[i] = vi;
            float y = mi / bc1;
            float x = (float) Math.sqrt(vi) / sqrtBc2 * scale;
            float angle = (float) Math.atan2(y, x);
            w[i] = w[i] * decay - angle * stepSize;
        }
    }

    /** Builds {@link MuAdamAtan2}. */
    public static final class Builder extends MomentBuilder<Builder> {
        private double a = 1.27;
        private double b = 1.0;

        private Builder(MuModel model) {
            super(model, 0.9, 0.999);
        }

        /**
         * Sets {@code a}, the scale of the update {@code a·atan2(m̂, b·√v̂)}; 1.27 by default
         * ({@code ≈ 4/π}, so that a step where {@code |m̂| = b·√v̂} has size {@code lr}, as Adam's).
         *
         * @param a positive and finite
         * @return this builder
         */
        public Builder optA(double a) {
            this.a = positive(a, "a");
            return this;
        }

        /**
         * Sets {@code b}, the factor on {@code √v̂} inside {@code atan2}; 1 by default.
         *
         * @param b positive and finite
         * @return this builder
         */
        public Builder optB(double b) {
            this.b = positive(b, "b");
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
        public MuAdamAtan2 build() {
            checkModel();
            return new MuAdamAtan2(this);
        }

        private static double positive(double value, String name) {
            if (!(value > 0) || Double.isInfinite(value)) {
                throw new IllegalArgumentException(name + " must be positive and finite, got " + value);
            }
            return value;
        }
    }
}
