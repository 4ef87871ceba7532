package dev.mup.runtime;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * SGD, with optional momentum and Nesterov momentum, with μP learning rates: PyTorch's update
 * rule ({@code b ← μ·b + (1-dampening)·g}, {@code w ← w − lr·(g + μ·b)} with Nesterov, else
 * {@code w ← w − lr·b}), each parameter's {@code lr} scaled by {@link MuRule}
 * ({@code m_out / m_in} for hidden weights, {@code m_out} for input-like, {@code m_in} for the
 * readout).
 */
public final class MuSgd extends MuOptimizer {

    private final float momentum;
    private final float dampening;
    private final boolean nesterov;
    private final Map<String, Map<Device, NDArray>> buffers = new ConcurrentHashMap<>();

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
        int t = nextStep(parameterId);
        double lr = learningRate(parameterId, t, s);
        double wd = weightDecay(s);
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray direction = effectiveGradient(weight, grad, wd);
            if (momentum != 0f) {
                NDArray g = direction;
                boolean first = t == 1 || !buffers.containsKey(parameterId);
                NDArray buffer =
                        withDefaultState(buffers, parameterId, weight.getDevice(), k -> g.duplicate());
                if (first) {
                    NDScope.unregister(buffer);
                } else {
                    buffer.muli(momentum).addi(g.mul(1f - dampening));
                }
                direction = nesterov ? g.add(buffer.mul(momentum)) : buffer;
            }
            applyWeightDecay(weight, lr, wd);
            weight.subi(direction.mul((float) lr));
        }
        clearGradient(weight);
    }

    /** Builds {@link MuSgd}. */
    public static final class Builder extends BaseBuilder<Builder> {
        private float momentum;
        private float dampening;
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
        public Builder optMomentum(float momentum) {
            if (!(momentum >= 0f && momentum < 1f)) {
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
        public Builder optDampening(float dampening) {
            if (!(dampening >= 0f && dampening <= 1f)) {
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
            if (nesterov && (momentum <= 0f || dampening != 0f)) {
                throw new IllegalArgumentException(
                        "Nesterov momentum needs momentum > 0 and dampening = 0, got momentum "
                                + momentum + ", dampening " + dampening);
            }
            checkModel();
            return new MuSgd(this);
        }
    }
}
