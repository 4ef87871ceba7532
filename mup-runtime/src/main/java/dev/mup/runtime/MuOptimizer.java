package dev.mup.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.ParameterTracker;
import ai.djl.training.tracker.Tracker;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Common ground of the μP optimizers: each parameter's learning rate is the value of the DJL
 * learning-rate tracker (so warmup, cosine and every other DJL schedule compose) times the
 * parameter's μP multiplier, and likewise for weight decay. The multipliers are looked up once,
 * when the optimizer is built; a step costs one map lookup per parameter.
 *
 * <p>Updates are in place, and each parameter's gradient is zeroed after its update, as DJL's
 * own PyTorch optimizers do.
 */
public abstract class MuOptimizer extends Optimizer {

    private static final ParameterScaling UNSCALED = new ParameterScaling(0, 1, 1, 1);

    private final ParameterTracker learningRate;
    private final WeightDecayMode weightDecayMode;
    private final Map<String, ParameterScaling> scaling;
    private final Map<String, Integer> steps = new ConcurrentHashMap<>();

    /**
     * Builds the optimizer, evaluating the μP rule for every parameter of the model.
     *
     * @param builder the builder
     * @param rule the optimizer family, which decides the learning-rate multipliers
     */
    protected MuOptimizer(BaseBuilder<?> builder, UpdateRule rule) {
        super(builder);
        this.learningRate = builder.learningRate;
        this.weightDecayMode = builder.weightDecayMode;
        this.scaling =
                Map.copyOf(builder.model.muParametrization().scalingById(rule, builder.weightDecayMode));
    }

    /**
     * How weight decay is applied.
     *
     * @return the weight-decay mode
     */
    public WeightDecayMode weightDecayMode() {
        return weightDecayMode;
    }

    /**
     * The μP factors of a parameter; parameters outside annotated layers get the global values.
     *
     * @param parameterId a DJL parameter id
     * @return the scaling of that parameter
     */
    public ParameterScaling scaling(String parameterId) {
        return scaling.getOrDefault(parameterId, UNSCALED);
    }

    /**
     * Counts one more update of a parameter.
     *
     * @param parameterId the parameter
     * @return the 1-based number of this update of that parameter
     */
    protected final int nextStep(String parameterId) {
        return steps.merge(parameterId, 1, Integer::sum);
    }

    /**
     * The learning rate of a parameter at an update: the tracker's value times the μP
     * multiplier.
     *
     * @param parameterId the parameter
     * @param step the 1-based update number
     * @param s the parameter's scaling
     * @return the learning rate
     */
    protected final double learningRate(String parameterId, int step, ParameterScaling s) {
        return learningRate.getNewValue(parameterId, step) * s.lrMultiplier();
    }

    /**
     * The weight decay of a parameter: the global value times the μP multiplier.
     *
     * @param s the parameter's scaling
     * @return the weight decay
     */
    protected final double weightDecay(ParameterScaling s) {
        return getWeightDecay() * s.weightDecayMultiplier();
    }

    /**
     * Applies the decoupled or independent decay to the weight, in place, before the update;
     * coupled decay is added to the gradient by the subclass instead.
     *
     * @param weight the weight
     * @param lr the parameter's learning rate
     * @param wd the parameter's weight decay
     */
    protected final void applyWeightDecay(NDArray weight, double lr, double wd) {
        if (wd == 0) {
            return;
        }
        if (weightDecayMode == WeightDecayMode.DECOUPLED) {
            weight.muli((float) (1.0 - lr * wd));
        } else if (weightDecayMode == WeightDecayMode.INDEPENDENT) {
            weight.muli((float) (1.0 - wd));
        }
    }

    /**
     * The gradient the update uses: rescaled, clipped, and with coupled decay added. A new array
     * when anything changed it, else {@code grad} itself.
     *
     * @param weight the weight
     * @param grad the raw gradient
     * @param wd the parameter's weight decay
     * @return the gradient to use
     */
    protected final NDArray effectiveGradient(NDArray weight, NDArray grad, double wd) {
        NDArray g = grad;
        if (rescaleGrad != 1f) {
            g = g.mul(rescaleGrad);
        }
        if (clipGrad > 0) {
            g = g.clip(-clipGrad, clipGrad);
        }
        if (weightDecayMode == WeightDecayMode.COUPLED && wd != 0) {
            g = g.add(weight.mul((float) wd));
        }
        return g;
    }

    /**
     * Zeroes the weight's accumulated gradient once it has been used, as DJL's PyTorch
     * optimizers do; PyTorch otherwise adds the next step's gradient to it.
     *
     * @param weight the weight just updated
     */
    protected static void clearGradient(NDArray weight) {
        try (NDArray g = weight.getGradient()) {
            g.subi(g);
        }
    }

    /**
     * Settings shared by the μP optimizers.
     *
     * @param <B> the concrete builder
     */
    public abstract static class BaseBuilder<B extends BaseBuilder<B>> extends OptimizerBuilder<B> {
        private final MuModel model;
        private ParameterTracker learningRate = Tracker.fixed(1e-3f);
        private WeightDecayMode weightDecayMode = WeightDecayMode.COUPLED;

        /**
         * A builder for a model's optimizer.
         *
         * @param model the μP model whose parameters it updates
         */
        protected BaseBuilder(MuModel model) {
            this.model = Objects.requireNonNull(model, "model");
        }

        /**
         * Sets a constant global learning rate.
         *
         * @param learningRate the learning rate tuned at base width; positive
         * @return this builder
         */
        public B optLearningRate(float learningRate) {
            if (!(learningRate > 0) || Float.isInfinite(learningRate)) {
                throw new IllegalArgumentException(
                        "learningRate must be positive and finite, got " + learningRate);
            }
            return optLearningRateTracker(Tracker.fixed(learningRate));
        }

        /**
         * Sets the global learning-rate schedule (any DJL tracker: warmup, cosine, factor…);
         * each parameter's rate is the schedule's value times its μP multiplier.
         *
         * @param tracker the schedule
         * @return this builder
         */
        public B optLearningRateTracker(ParameterTracker tracker) {
            this.learningRate = Objects.requireNonNull(tracker, "tracker");
            return self();
        }

        /**
         * Sets the global weight decay and how it is applied.
         *
         * @param weightDecay the weight decay tuned at base width; zero or positive
         * @param mode coupled (L2), decoupled (AdamW) or independent
         * @return this builder
         */
        public B optWeightDecay(float weightDecay, WeightDecayMode mode) {
            if (!(weightDecay >= 0) || Float.isInfinite(weightDecay)) {
                throw new IllegalArgumentException(
                        "weightDecay must be zero or positive and finite, got " + weightDecay);
            }
            this.weightDecayMode = Objects.requireNonNull(mode, "mode");
            return optWeightDecays(weightDecay);
        }

        /**
         * The model the optimizer updates.
         *
         * @return the model
         */
        protected MuModel model() {
            return model;
        }

        /**
         * Checks that the model can be optimized.
         *
         * @throws IllegalStateException naming the first parameter without a value
         */
        protected void checkModel() {
            if (!model.muParametrization().isInitialized()) {
                // parameters() names the first uninitialized parameter
                model.muParametrization().parameters();
            }
        }
    }
}
