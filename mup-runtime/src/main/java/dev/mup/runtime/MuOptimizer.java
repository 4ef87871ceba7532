package dev.mup.runtime;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Parameter;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.ParameterTracker;
import ai.djl.training.tracker.Tracker;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Common ground of the μP optimizers: each parameter's learning rate is the value of the DJL
 * learning-rate tracker (so warmup, cosine and every other DJL schedule compose) times the
 * parameter's μP multiplier, and likewise for weight decay. The multipliers are looked up once,
 * when the optimizer is built; a step costs one map lookup per parameter.
 *
 * <p>Updates are in place, and each parameter's gradient is zeroed after its update, as DJL's
 * own PyTorch optimizers do. For float32 arrays on the CPU whose memory the engine exposes (the
 * PyTorch engine does), the whole update of a parameter is one fused pass in Java over its
 * weight, gradient and state, with no temporary array; elsewhere (GPU, other data types) it is a
 * sequence of engine array operations. Both compute every element with the same float
 * operations in the same order; they give the same bits except where the engine's square root is
 * not correctly rounded (libtorch's CPU {@code sqrt} is one unit in the last place off on about one
 * float in six), where the fused pass, whose square root is, is the exact one.
 *
 * <p>An optimizer updates only the parameters of the model instance it was built for (and those
 * declared with {@link BaseBuilder#optUnscaledParameters}): any other parameter id is refused,
 * since each instance has its own ids and a parameter the optimizer does not know would
 * otherwise be trained with the unscaled learning rate.
 *
 * <p>When DJL's parameter server updates a parameter held on several devices, it calls
 * {@link #update} once per device with the same id and the same summed gradient in one training
 * step. The first of these calls is the step: it advances the step count (schedules, Adam's bias
 * correction) and the optimizer state; each further replica of that step receives a copy of the
 * updated weight, so that every replica stays equal and one step is counted. A step ends when a
 * replica already updated in it is updated again.
 */
public abstract class MuOptimizer extends Optimizer {

    private static final ParameterScaling UNSCALED = new ParameterScaling(0, 1, 1, 1);

    private final ParameterTracker learningRate;
    private final WeightDecayMode weightDecayMode;
    private final DecayTargets weightDecayTargets;
    private final Map<String, ParameterScaling> scaling;
    private final Map<String, Integer> steps = new ConcurrentHashMap<>();
    private final Map<String, Map<Device, State>> states = new ConcurrentHashMap<>();
    private final boolean fusedCpuUpdate;
    private final String modelName;
    private final Map<String, Parameter> modelParameters;
    private final Map<String, Round> rounds = new ConcurrentHashMap<>();

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
        this.fusedCpuUpdate = builder.fusedCpuUpdate;
        this.weightDecayTargets = builder.weightDecayTargets;
        Map<String, ParameterScaling> byId = new HashMap<>(builder.model.muParametrization()
                .scalingById(rule, builder.weightDecayMode, builder.weightDecayTargets));
        for (String id : builder.unscaled) {
            byId.putIfAbsent(id, UNSCALED);
        }
        this.scaling = Map.copyOf(byId);
        this.modelName = builder.model.muParametrization().modelName();
        Map<String, Parameter> parameters = new HashMap<>();
        for (var pair : builder.model.getParameters()) {
            parameters.put(pair.getValue().getId(), pair.getValue());
        }
        this.modelParameters = Map.copyOf(parameters);
        MasterWeights.requireFullPrecision(builder.model, getClass().getSimpleName());
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
     * Which parameters weight decay applies to.
     *
     * @return the targets ({@link DecayTargets#ALL} unless the builder chose others)
     */
    public DecayTargets weightDecayTargets() {
        return weightDecayTargets;
    }

    /**
     * The μP factors of a parameter of the model this optimizer was built for; a parameter of the
     * model outside its μP table gets the global values.
     *
     * @param parameterId a DJL parameter id
     * @return the scaling of that parameter
     * @throws IllegalArgumentException naming the id when it is not a parameter of that model
     *     instance (nor declared with {@link BaseBuilder#optUnscaledParameters})
     */
    public ParameterScaling scaling(String parameterId) {
        ParameterScaling s = scaling.get(parameterId);
        if (s != null) {
            return s;
        }
        if (modelParameters.containsKey(parameterId)) {
            return UNSCALED;
        }
        throw new IllegalArgumentException(
                getClass().getSimpleName() + " was built for one instance of " + modelName
                        + " and cannot update parameter id '" + parameterId + "', which is not one of"
                        + " its parameters: every model instance has its own parameter ids, so build"
                        + " the optimizer from the model you train (model.adam(lr).build(),"
                        + " model.sgd(lr).build()); declare parameters outside the model on purpose"
                        + " with optUnscaledParameters(ids)");
    }

    /**
     * Handles the second and further calls of one training step for a parameter held on several
     * devices (DJL's parameter server updates each device's replica with the same summed
     * gradient): such a replica gets a copy of the weight the first call computed, its gradient is
     * zeroed, and the step is not counted again. Subclasses call it first in {@link #update} and
     * return at once when it returns {@code true}.
     *
     * <p>A call starts a new step when the parameter has not been updated yet, when this array was
     * already updated in the current step, when the array of the current step's first call was
     * closed, or when that array was the parameter's own and the parameter now holds another (the
     * model was loaded again).
     *
     * @param parameterId the parameter
     * @param weight the replica the caller updates
     * @return {@code true} when the call was a further replica of a step already applied
     */
    protected final boolean updatedAsReplica(String parameterId, NDArray weight) {
        Round round = rounds.computeIfAbsent(parameterId, k -> new Round());
        NDArray first;
        synchronized (round) {
            Parameter own = modelParameters.get(parameterId);
            boolean reloaded = round.firstWasOwn && (own == null || !own.isInitialized() || own.getArray() != round.first);
            if (round.first == null || round.contains(weight) || round.first.isReleased() || reloaded) {
                round.first = weight;
                round.firstWasOwn = own != null && own.isInitialized() && own.getArray() == weight;
                round.updated.clear();
                round.updated.add(weight);
                return false;
            }
            round.updated.add(weight);
            first = round.first;
        }
        first.copyTo(weight);
        if (weight.hasGradient()) {
            clearGradient(weight);
        }
        return true;
    }

    /** The replicas of a parameter updated in its current step, first one first. */
    private static final class Round {
        private NDArray first;
        private boolean firstWasOwn;
        private final List<NDArray> updated = new ArrayList<>(2);

        private boolean contains(NDArray weight) {
            for (NDArray a : updated) {
                if (a == weight) {
                    return true;
                }
            }
            return false;
        }
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
     * The factor that decoupled or independent decay multiplies the weight by before the update:
     * {@code 1 - lr·wd} or {@code 1 - wd}, computed in double and rounded once; exactly 1 for
     * coupled decay and for no decay (multiplying by 1 changes no float).
     *
     * @param lr the parameter's learning rate
     * @param wd the parameter's weight decay
     * @return the factor
     */
    protected final float decayFactor(double lr, double wd) {
        if (wd == 0) {
            return 1f;
        }
        if (weightDecayMode == WeightDecayMode.DECOUPLED
                || weightDecayMode == WeightDecayMode.DECOUPLED_SCALED) {
            return (float) (1.0 - lr * wd);
        }
        if (weightDecayMode == WeightDecayMode.INDEPENDENT) {
            return (float) (1.0 - wd);
        }
        return 1f;
    }

    /**
     * The weight decay added to the gradient: {@code wd} in coupled mode, else 0.
     *
     * @param wd the parameter's weight decay
     * @return the coupled decay, rounded to float
     */
    protected final float coupledDecay(double wd) {
        return weightDecayMode == WeightDecayMode.COUPLED ? (float) wd : 0f;
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
        float factor = decayFactor(lr, wd);
        if (factor != 1f) {
            weight.muli(factor);
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
     * A parameter's state arrays on one device, kept between updates, created as zeros the
     * first time the parameter is updated on that device (or copied from its state on another
     * device, as DJL's optimizers do).
     */
    static final class State {
        private final NDArray[] arrays;
        private final FloatBuffer[] memory;
        private final boolean isNew;
        private boolean used;

        private State(NDArray[] arrays, boolean isNew, boolean host) {
            this.arrays = arrays;
            this.isNew = isNew;
            this.memory = host ? memoryOf(arrays) : null;
        }

        private static FloatBuffer[] memoryOf(NDArray[] arrays) {
            FloatBuffer[] memory = new FloatBuffer[arrays.length];
            // an engine that copies to expose memory makes arrays that the scope closes
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                for (int i = 0; i < arrays.length; i++) {
                    memory[i] = HostUpdate.sharedMemory(arrays[i]);
                    if (memory[i] == null) {
                        return null;
                    }
                }
            }
            return memory;
        }

        /**
         * A state array.
         *
         * @param i its index
         * @return the array
         */
        NDArray array(int i) {
            return arrays[i];
        }

        /**
         * The memory of a state array, when every state array's memory is reachable from Java.
         *
         * @param i its index
         * @return the memory, or null
         */
        FloatBuffer memory(int i) {
            return memory == null ? null : memory[i];
        }

        /**
         * Whether no state existed for the parameter on any device before this one and this is
         * its first update; marks it used.
         *
         * @return true on the parameter's first update
         */
        boolean firstUse() {
            boolean first = isNew && !used;
            used = true;
            return first;
        }
    }

    /**
     * A parameter's state on the weight's device, created outside any scope on first use.
     *
     * @param parameterId the parameter
     * @param weight its weight on this device
     * @param count the number of state arrays (each shaped like the weight)
     * @return the state
     */
    final State state(String parameterId, NDArray weight, int count) {
        Map<Device, State> byDevice = states.computeIfAbsent(parameterId, k -> new ConcurrentHashMap<>());
        Device device = weight.getDevice();
        State state = byDevice.get(device);
        if (state != null) {
            return state;
        }
        return byDevice.computeIfAbsent(device, d -> {
            State other = byDevice.values().stream().findFirst().orElse(null);
            NDArray[] arrays = new NDArray[count];
            for (int i = 0; i < count; i++) {
                arrays[i] = other == null ? weight.zerosLike() : other.arrays[i].toDevice(d, true);
                NDScope.unregister(arrays[i]);
                // kept by the optimizer, not by the manager that owns the weight
                arrays[i].detach();
            }
            return new State(arrays, other == null, fusedCpuUpdate);
        });
    }

    /**
     * A parameter's state array, as last updated (on the first device it was updated on), for
     * probes that read the optimizer's state; the optimizer keeps owning it.
     *
     * @param parameterId the parameter
     * @param index the state array's index
     * @return the array, or null before the parameter's first update
     */
    final NDArray stateArray(String parameterId, int index) {
        Map<Device, State> byDevice = states.get(parameterId);
        if (byDevice == null || byDevice.isEmpty()) {
            return null;
        }
        return byDevice.values().iterator().next().array(index);
    }

    /**
     * How many times a parameter has been updated.
     *
     * @param parameterId the parameter
     * @return the number of updates, 0 before the first
     */
    public final int updates(String parameterId) {
        return steps.getOrDefault(parameterId, 0);
    }

    /** The memory of one update's weight and gradients, all reachable from Java. */
    static final class HostStep {
        /** The weight. */
        final FloatBuffer weight;
        /** The gradient to use. */
        final FloatBuffer grad;
        /** The parameter's own gradient, to zero; null when it must be zeroed by the engine. */
        final FloatBuffer zero;

        private HostStep(FloatBuffer weight, FloatBuffer grad, FloatBuffer zero) {
            this.weight = weight;
            this.grad = grad;
            this.zero = zero;
        }
    }

    /**
     * The memory of the weight, the gradient and the parameter's own gradient (which is the same
     * array when the caller passes it, a copy when DJL's trainer does), when the update can run
     * in Java; call inside a scope, which closes the gradient array this opens.
     *
     * @param state the parameter's state, or null when the optimizer keeps none
     * @param weight the weight
     * @param grad the gradient to use
     * @return the memory, or null for the array-operation path
     */
    final HostStep hostStep(State state, NDArray weight, NDArray grad) {
        if (!fusedCpuUpdate || state != null && state.memory == null) {
            return null;
        }
        FloatBuffer w = HostUpdate.sharedMemory(weight);
        if (w == null || state != null && w.capacity() != state.memory[0].capacity()) {
            return null;
        }
        FloatBuffer g = HostUpdate.sharedMemory(grad);
        if (g == null || g.capacity() != w.capacity()) {
            return null;
        }
        FloatBuffer own = HostUpdate.sharedMemory(weight.getGradient());
        if (own != null && own.capacity() != w.capacity()) {
            own = null;
        }
        return new HostStep(w, g, own);
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
        private boolean fusedCpuUpdate = true;
        private final Set<String> unscaled = new LinkedHashSet<>();
        private DecayTargets weightDecayTargets = DecayTargets.ALL;

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
         * @param mode coupled (L2), decoupled (AdamW), independent, or decoupled with λ·m_N on hidden
     *     matrices
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
         * Chooses which parameters weight decay applies to: {@link DecayTargets#ALL} (the
         * default) or {@link DecayTargets#MATRICES}, the usual large-scale recipe (no decay on
         * biases, norm gains and biases, and embeddings). Excluded parameters get weight-decay
         * multiplier 0 from {@link MuRule}, as the μP report with the same targets shows.
         *
         * @param targets the parameters that decay
         * @return this builder
         */
        public B optWeightDecayTargets(DecayTargets targets) {
            this.weightDecayTargets = Objects.requireNonNull(targets, "targets");
            return self();
        }

        /**
         * Chooses how float32 CPU parameters are updated: by one fused pass in Java over the
         * arrays' memory (the default), or by the engine's array operations, as on other devices.
         * Both apply the same float operations in the same order (bit for bit the same but for
         * the engine's square root, see the class description); the fused pass reads and writes
         * each array once, with no temporary, and is several times faster.
         *
         * @param fused whether to use the fused pass where it applies
         * @return this builder
         */
        public B optFusedCpuUpdate(boolean fused) {
            this.fusedCpuUpdate = fused;
            return self();
        }

        /**
         * Declares, on purpose, parameters outside the model that this optimizer may also update,
         * with the global learning rate and weight decay (multiplier 1), for example the arrays of
         * a benchmark. Every other parameter id the model does not have is refused by
         * {@link MuOptimizer#scaling}.
         *
         * @param parameterIds DJL parameter ids
         * @return this builder
         */
        public B optUnscaledParameters(Collection<String> parameterIds) {
            for (String id : parameterIds) {
                unscaled.add(Objects.requireNonNull(id, "parameter id"));
            }
            return self();
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

    /**
     * Settings of the Adam-family μP optimizers (Adam, AdamW, Adam-atan2), which keep moving
     * averages of the gradient and of its square: their decays β1 and β2, each in [0, 1).
     *
     * @param <B> the concrete builder
     */
    public abstract static class MomentBuilder<B extends MomentBuilder<B>> extends BaseBuilder<B> {
        private double beta1;
        private double beta2;

        /**
         * A builder with the optimizer's default decays.
         *
         * @param model the μP model whose parameters it updates
         * @param beta1 the default β1
         * @param beta2 the default β2
         */
        protected MomentBuilder(MuModel model, double beta1, double beta2) {
            super(model);
            this.beta1 = beta1;
            this.beta2 = beta2;
        }

        /**
         * Sets β1, the decay of the first moment.
         *
         * @param beta1 in [0, 1)
         * @return this builder
         * @throws IllegalArgumentException outside [0, 1)
         */
        public B optBeta1(double beta1) {
            this.beta1 = unitInterval(beta1, "beta1");
            return self();
        }

        /**
         * Sets β2, the decay of the second moment.
         *
         * @param beta2 in [0, 1)
         * @return this builder
         * @throws IllegalArgumentException outside [0, 1)
         */
        public B optBeta2(double beta2) {
            this.beta2 = unitInterval(beta2, "beta2");
            return self();
        }

        /**
         * β1.
         *
         * @return the decay of the first moment
         */
        protected double beta1() {
            return beta1;
        }

        /**
         * β2.
         *
         * @return the decay of the second moment
         */
        protected double beta2() {
            return beta2;
        }

        private static double unitInterval(double value, String name) {
            if (!(value >= 0 && value < 1)) {
                throw new IllegalArgumentException(name + " must be in [0, 1), got " + value);
            }
            return value;
        }
    }
}
