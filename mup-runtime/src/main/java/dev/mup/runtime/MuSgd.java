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

    private final double momentum;
    private final double dampening;
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
            if (momentum != 0) {
                NDArray g = direction;
                boolean first = t == 1 || !buffers.containsKey(parameterId);
                NDArray buffer =
                        withDefaultState(buffers, parameterId, weight.getDevice(), k -> g.duplicate());
                if (first) {
                    NDScope.unregister(buffer);
                } else {
                    buffer.muli((float) momentum).addi(g.mul((float) (1.0 - dampening)));
                }
                direction = nesterov ? g.add(buffer.mul((float) momentum)) : buffer;
            }
            applyWeightDecay(weight, lr, wd);
            weight.subi(direction.mul((float) lr));
        }
        clearGradient(weight);
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
