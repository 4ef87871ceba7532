package dev.mup.workflow.coord;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import dev.mup.runtime.MuModel;
import dev.mup.runtime.MuOptions;
import dev.mup.runtime.UpdateRule;
import dev.mup.runtime.coord.CoordinateCheck;
import dev.mup.runtime.coord.CoordinateCheckResult;
import dev.mup.runtime.precision.Precision;
import dev.mup.workflow.task.MuTask;
import dev.mup.workflow.task.Tasks;
import java.util.List;
import java.util.Objects;

/**
 * The coordinate check of a task: one model per width, trained a few steps on the task's first
 * training batches (data seed {@link #DATA_SEED}, the same for every width and seed), the model
 * of seed {@code s} initialized after seeding the engine with {@code 1000 + s}.
 *
 * <pre>{@code
 * CoordinateCheckResult result = TaskCoordinateCheck.builder(new MyTask())
 *         .options(MuOptions.builder().parametrization(Parametrization.MUP).build())
 *         .widths(List.of(64, 128, 256))
 *         .build()
 *         .run((done, total) -> {});
 * Verdict verdict = CoordinateCheckReport.verdict(result);
 * }</pre>
 */
public final class TaskCoordinateCheck {

    /** The data seed of every check's batches. */
    public static final long DATA_SEED = 1234;

    private TaskCoordinateCheck() {}

    /**
     * Starts configuring the check of a task: μP, Adam with learning rate 0.01, 4 steps, 3 seeds,
     * the task's batch size, the engine's default device, float32.
     *
     * @param task the task
     * @return a builder
     */
    public static Builder builder(MuTask task) {
        return new Builder(task);
    }

    /** Configures a task's coordinate check. */
    public static final class Builder {
        private final MuTask task;
        private MuOptions options = MuOptions.defaults();
        private UpdateRule rule = UpdateRule.ADAM;
        private float learningRate = 0.01f;
        private List<Integer> widths = List.of();
        private List<Integer> depths = List.of();
        private int steps = 4;
        private int seeds = 3;
        private int batch;
        private Device device;
        private Precision precision = Precision.FP32;
        private CoordinateCheck.OptimizerFactory optimizers;
        private double epsilonProbe;

        private Builder(MuTask task) {
            this.task = Objects.requireNonNull(task, "task");
            this.batch = task.batchSize();
        }

        /**
         * Sets the model options (μP or SP, init, multipliers).
         *
         * @param options the options
         * @return this builder
         */
        public Builder options(MuOptions options) {
            this.options = Objects.requireNonNull(options, "options");
            return this;
        }

        /**
         * Sets the optimizer.
         *
         * @param rule Adam (default) or SGD
         * @return this builder
         */
        public Builder optimizer(UpdateRule rule) {
            this.rule = Objects.requireNonNull(rule, "rule");
            return this;
        }

        /**
         * Sets the global learning rate.
         *
         * @param learningRate positive and finite
         * @return this builder
         */
        public Builder learningRate(float learningRate) {
            if (!(learningRate > 0) || Float.isInfinite(learningRate)) {
                throw new IllegalArgumentException("the learning rate must be positive, got " + learningRate);
            }
            this.learningRate = learningRate;
            return this;
        }

        /**
         * Sets the widths, each checked by the task.
         *
         * @param widths at least two distinct widths
         * @return this builder
         * @throws IllegalArgumentException for a width the task refuses
         */
        public Builder widths(List<Integer> widths) {
            if (widths == null || widths.size() < 2 || widths.stream().anyMatch(w -> w == null || w <= 0)) {
                throw new IllegalArgumentException("widths must be at least two positive integers, got " + widths);
            }
            widths.forEach(task::checkWidth);
            this.widths = List.copyOf(widths);
            this.depths = List.of(); // a check varies width or depth, whichever was set last
            return this;
        }

        /**
         * Varies depth instead of width: one model per depth at one fixed width, built by
         * {@link MuTask#model(int, int, MuOptions)}. The result's axis is
         * {@link CoordinateCheckResult#DEPTH}; under depth scaling ({@code MuOptions.depthExponent}
         * ½ or 1) the residual stream stays flat in depth, without it (0) it grows.
         *
         * @param width the one width, accepted by the task
         * @param depths at least two distinct positive depths, each accepted by the task
         * @return this builder
         * @throws IllegalArgumentException when the task has no depth axis, or for a width or
         *     depth it refuses
         */
        public Builder depths(int width, List<Integer> depths) {
            if (depths == null || depths.size() < 2 || depths.stream().anyMatch(d -> d == null || d <= 0)
                    || depths.stream().distinct().count() != depths.size()) {
                throw new IllegalArgumentException("depths must be at least two distinct positive integers, got "
                        + depths);
            }
            task.checkWidth(width);
            depths.forEach(task::checkDepth);
            this.widths = List.of(width);
            this.depths = List.copyOf(depths);
            return this;
        }

        /**
         * Sets the steps recorded.
         *
         * @param steps positive
         * @return this builder
         */
        public Builder steps(int steps) {
            this.steps = steps;
            return this;
        }

        /**
         * Sets the seeds averaged over.
         *
         * @param seeds positive
         * @return this builder
         */
        public Builder seeds(int seeds) {
            this.seeds = seeds;
            return this;
        }

        /**
         * Sets the batch size.
         *
         * @param batch positive
         * @return this builder
         */
        public Builder batch(int batch) {
            if (batch <= 0) {
                throw new IllegalArgumentException("the batch size must be positive, got " + batch);
            }
            this.batch = batch;
            return this;
        }

        /**
         * Sets the device.
         *
         * @param device the device; the engine's default if never set
         * @return this builder
         */
        public Builder device(Device device) {
            this.device = device;
            return this;
        }

        /**
         * Sets the precision.
         *
         * @param precision float32 (default) or mixed precision
         * @return this builder
         */
        public Builder precision(Precision precision) {
            this.precision = Objects.requireNonNull(precision, "precision");
            return this;
        }

        /**
         * Builds each width's optimizer with this factory instead of the plain Adam or SGD of
         * {@link #optimizer(UpdateRule)} and {@link #learningRate(float)} (for another ε, Lion,
         * Adam-atan2, weight decay).
         *
         * @param optimizers the factory, given each initialized model
         * @return this builder
         */
        public Builder optimizers(CoordinateCheck.OptimizerFactory optimizers) {
            this.optimizers = Objects.requireNonNull(optimizers, "optimizers");
            return this;
        }

        /**
         * Also records the ε probe ({@link CoordinateCheck.Builder#epsilonProbe(double)}): the
         * fraction of hidden-weight entries whose Adam {@code √v̂} is below {@code factor}·ε, as
         * the layer {@link CoordinateCheck#EPSILON_PROBE}. Needs a MuAdam.
         *
         * @param factor the multiple of ε (10 in the usual probe); positive and finite
         * @return this builder
         */
        public Builder epsilonProbe(double factor) {
            if (!(factor > 0) || Double.isInfinite(factor)) {
                throw new IllegalArgumentException("the ε probe's factor must be positive, got " + factor);
            }
            this.epsilonProbe = factor;
            return this;
        }

        /**
         * Builds the runtime's check for this task.
         *
         * @return the check, ready to run
         */
        public CoordinateCheck build() {
            MuTask t = task;
            MuOptions o = options;
            UpdateRule r = rule;
            float lr = learningRate;
            int b = batch;
            boolean overDepth = !depths.isEmpty();
            int fixedWidth = overDepth ? widths.get(0) : 0;
            CoordinateCheck.Builder builder = CoordinateCheck.builder()
                    .axis(overDepth ? CoordinateCheckResult.DEPTH : CoordinateCheckResult.WIDTH)
                    .widths(overDepth ? depths : widths)
                    .steps(steps)
                    .seeds(seeds)
                    .models((size, seed, manager) -> {
                        Engine.getInstance().setRandomSeed(1000 + seed);
                        MuModel model = overDepth ? Tasks.model(t, fixedWidth, size, o) : t.model(size, o);
                        model.initialize(manager, DataType.FLOAT32, t.inputShapes(b));
                        return model;
                    })
                    .optimizers(optimizers != null ? optimizers
                            : m -> r == UpdateRule.SGD ? m.sgd(lr).build() : m.adam(lr).build())
                    .batches((manager, step) -> t.trainingBatch(manager, b, DATA_SEED, step))
                    .loss(t.loss())
                    .precision(precision);
            if (device != null) {
                builder.device(device);
            }
            if (epsilonProbe > 0) {
                builder.epsilonProbe(epsilonProbe);
            }
            return builder.build();
        }
    }
}
