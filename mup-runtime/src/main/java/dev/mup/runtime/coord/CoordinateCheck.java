package dev.mup.runtime.coord;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import dev.mup.runtime.MuAdam;
import dev.mup.runtime.MuModel;
import dev.mup.runtime.MuParameter;
import dev.mup.runtime.ParameterClass;
import dev.mup.runtime.ParameterKind;
import dev.mup.runtime.precision.Precision;
import dev.mup.runtime.precision.TrainingStep;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The coordinate check: the test that tells whether a parametrization is right. It trains one
 * model per width for a few steps on the same batches and records, at every step, the mean
 * absolute coordinate ({@code l1}) of each annotated {@code Linear} layer's output and of the
 * model's output, averaged over seeds.
 *
 * <p>Under μP each curve stays flat as the width grows; under the standard parametrization with
 * Adam, hidden activations grow with width after the first update. {@code t = 1} is the forward
 * pass before any update.
 *
 * <p>Each run's model, parameters and batches live on one device, the engine's default unless
 * {@link Builder#device} says otherwise: the factories get a manager on that device and create
 * their arrays with it. With {@link Builder#precision} {@link Precision#FP16}, the runs train in
 * mixed precision and the records are taken from float16 activations.
 */
public final class CoordinateCheck {

    /**
     * Name under which the ε probe ({@link Builder#epsilonProbe}) is recorded: the fraction of
     * hidden-weight entries whose {@code √v̂} is below {@code factor · ε} after update t.
     */
    public static final String EPSILON_PROBE = "adam.sqrtV_below_eps";

    /** Builds an initialized model of a given width from a seed. */
    @FunctionalInterface
    public interface ModelFactory {
        /**
         * Creates the model.
         *
         * @param width the width
         * @param seed the seed of its initialization
         * @param manager owns its parameters; on the check's device
         * @return an initialized model
         */
        MuModel create(int width, int seed, NDManager manager);
    }

    /** Builds the optimizer of a model. */
    @FunctionalInterface
    public interface OptimizerFactory {
        /**
         * Creates the optimizer.
         *
         * @param model the initialized model
         * @return its optimizer
         */
        Optimizer create(MuModel model);
    }

    /** The training batches, the same for every width and seed. */
    @FunctionalInterface
    public interface BatchSource {
        /**
         * Creates the batch of a step.
         *
         * @param manager owns the arrays; on the check's device
         * @param step the 0-based step
         * @return inputs and labels
         */
        NDList[] batch(NDManager manager, int step);
    }

    /** Receives progress: runs done and runs in all (one run = one width and one seed). */
    @FunctionalInterface
    public interface Progress {
        /**
         * Reports progress.
         *
         * @param done finished runs
         * @param total all runs
         */
        void update(int done, int total);
    }

    private final List<Integer> widths;
    private final int steps;
    private final int seeds;
    private final ModelFactory models;
    private final OptimizerFactory optimizers;
    private final BatchSource batches;
    private final Loss loss;
    private final Device device;
    private final Precision precision;
    private final double epsilonProbe;
    private final String axis;

    private CoordinateCheck(Builder b) {
        this.epsilonProbe = b.epsilonProbe;
        this.axis = b.axis;
        this.widths = List.copyOf(b.widths);
        this.steps = b.steps;
        this.seeds = b.seeds;
        this.models = b.models;
        this.optimizers = b.optimizers;
        this.batches = b.batches;
        this.loss = b.loss;
        this.device = b.device != null ? b.device : Engine.getInstance().defaultDevice();
        this.precision = b.precision;
    }

    /**
     * The device every run trains on.
     *
     * @return the device
     */
    public Device device() {
        return device;
    }

    /**
     * The precision every run trains in.
     *
     * @return the precision
     */
    public Precision precision() {
        return precision;
    }

    /**
     * Starts a check.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Trains every width for every seed and records the coordinates.
     *
     * @param progress told after each run
     * @return the records, averaged over seeds
     */
    public CoordinateCheckResult run(Progress progress) {
        Map<String, double[]> sums = new LinkedHashMap<>();
        int total = widths.size() * seeds;
        int done = 0;
        for (int width : widths) {
            for (int seed = 0; seed < seeds; seed++) {
                runOne(width, seed, sums);
                progress.update(++done, total);
            }
        }
        List<CoordinateRecord> records = new ArrayList<>();
        for (Map.Entry<String, double[]> e : sums.entrySet()) {
            String[] key = e.getKey().split("\u0000");
            int size = Integer.parseInt(key[0]);
            CoordinateRecord record = new CoordinateRecord(size, key[1], Integer.parseInt(key[2]), e.getValue()[0] / seeds);
            records.add(record);
            String last = CoordinateCheckResult.DEPTH.equals(axis) ? lastBlockName(record.layer(), size) : null;
            if (last != null) {
                records.add(new CoordinateRecord(size, last, record.t(), record.l1()));
            }
        }
        return new CoordinateCheckResult(records, axis);
    }

    /**
     * In a check over depth, the name of a layer of the last block with its index replaced by
     * {@code last} ({@code blocks.3.mlpResidual} at depth 4 → {@code blocks.last.mlpResidual}), so
     * that the last block, whose index differs with the depth, is one row of the check.
     *
     * @param layer the recorded name
     * @param depth the model's depth
     * @return the name with the first segment equal to {@code depth − 1} replaced, or null when none is
     */
    static String lastBlockName(String layer, int depth) {
        String[] parts = layer.split("\\.", -1);
        for (int i = 0; i < parts.length; i++) {
            if (parts[i].equals(String.valueOf(depth - 1))) {
                parts[i] = "last";
                return String.join(".", parts);
            }
            if (parts[i].chars().allMatch(Character::isDigit) && !parts[i].isEmpty()) {
                return null; // the first index is another block's
            }
        }
        return null;
    }

    static String checkAxis(String axis) {
        if (!CoordinateCheckResult.WIDTH.equals(axis) && !CoordinateCheckResult.DEPTH.equals(axis)) {
            throw new IllegalArgumentException("the axis of a coordinate check is width or depth, got '" + axis + "'");
        }
        return axis;
    }

    @SuppressWarnings("try") // the observation lasts as long as the try block
    private void runOne(int width, int seed, Map<String, double[]> sums) {
        try (NDManager manager = NDManager.newBaseManager(device);
                Model model = Model.newInstance("coordinate-check", device)) {
            MuModel block = models.create(width, seed, manager);
            model.setBlock(precision.apply(block));
            Optimizer optimizer = optimizers.create(block);
            int[] step = {0};
            DefaultTrainingConfig config = new DefaultTrainingConfig(loss)
                    .optOptimizer(optimizer)
                    .optDevices(new Device[] {device});
            try (Trainer trainer = model.newTrainer(config);
                    AutoCloseable observing = block.muParametrization().observe(
                            (layer, output) -> add(sums, width, layer, step[0], output))) {
                for (int t = 1; t <= steps; t++) {
                    step[0] = t;
                    try (NDManager batchManager = manager.newSubManager()) {
                        NDList[] batch = batches.batch(batchManager, t - 1);
                        try (GradientCollector collector = trainer.newGradientCollector()) {
                            NDList predictions = trainer.forward(batch[0]);
                            add(sums, width, CoordinateCheckResult.OUTPUT, t, predictions.singletonOrThrow());
                            NDArray value = trainer.getLoss().evaluate(batch[1], predictions);
                            TrainingStep.backward(trainer, collector, value);
                        }
                        TrainingStep.step(trainer);
                    }
                    if (epsilonProbe > 0) {
                        probeEpsilon(block, optimizer, width, t, sums);
                    }
                }
            } catch (Exception e) {
                if (e instanceof RuntimeException) {
                    throw (RuntimeException) e;
                }
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * Records the fraction of hidden-weight entries (all hidden weights pooled) whose
     * {@code √v̂} is below {@code epsilonProbe} times their ε.
     */
    private void probeEpsilon(MuModel block, Optimizer optimizer, int width, int t, Map<String, double[]> sums) {
        if (!(optimizer instanceof MuAdam)) {
            throw new IllegalStateException(
                    "the ε probe reads Adam's second moment, but the optimizer is a "
                            + optimizer.getClass().getSimpleName() + ": use MuAdam or drop epsilonProbe");
        }
        MuAdam adam = (MuAdam) optimizer;
        long below = 0;
        long total = 0;
        for (Map.Entry<String, MuParameter> e : block.muParametrization().parametersById().entrySet()) {
            MuParameter p = e.getValue();
            if (p.parameterClass() != ParameterClass.HIDDEN || p.kind() != ParameterKind.WEIGHT) {
                continue;
            }
            var estimate = adam.secondMomentEstimate(e.getKey());
            if (estimate.isEmpty()) {
                continue;
            }
            float threshold = (float) (epsilonProbe * adam.epsilon(e.getKey()));
            try (NDArray vHat = estimate.get();
                    NDArray root = vHat.sqrt();
                    NDArray small = root.lt(threshold);
                    NDArray count = small.countNonzero()) {
                below += count.toType(DataType.INT64, false).getLong();
                total += vHat.size();
            }
        }
        if (total == 0) {
            throw new IllegalStateException("the ε probe found no hidden weight updated by Adam");
        }
        sums.computeIfAbsent(width + "\u0000" + EPSILON_PROBE + "\u0000" + t, k -> new double[1])[0] +=
                (double) below / total;
    }

    private static void add(Map<String, double[]> sums, int width, String layer, int t, NDArray output) {
        double l1;
        // float16 activations are summed in float32, as float32 ones always were
        try (NDArray detached = output.stopGradient();
                NDArray wide = detached.toType(DataType.FLOAT32, false);
                NDArray abs = wide.abs();
                NDArray mean = abs.mean()) {
            l1 = mean.toType(DataType.FLOAT64, false).getDouble();
        }
        sums.computeIfAbsent(width + "\u0000" + layer + "\u0000" + t, k -> new double[1])[0] += l1;
    }

    /** Builds a {@link CoordinateCheck}. */
    public static final class Builder {
        private List<Integer> widths = List.of();
        private int steps = 4;
        private int seeds = 3;
        private ModelFactory models;
        private OptimizerFactory optimizers;
        private BatchSource batches;
        private Loss loss = Loss.softmaxCrossEntropyLoss();
        private Device device;
        private Precision precision = Precision.FP32;
        private double epsilonProbe;
        private String axis = CoordinateCheckResult.WIDTH;

        private Builder() {}

        /**
         * Names what the values given to {@link #widths(List)} are: {@code width} (default), or
         * {@code depth} for a check that varies the number of blocks at one width (its model
         * factory then builds a depth from the value it gets). The result carries the name
         * ({@link CoordinateCheckResult#axis()}) to its tables, JSON and plots. Over depth, the
         * layers of each model's last block are recorded a second time with their block index
         * replaced by {@code last} (the first all-digit segment of the name, when it is
         * {@code depth − 1}: {@code blocks.last.mlpResidual} is the residual stream after the last
         * block at every depth), and the layers only deeper models have are left out of the
         * result's {@link CoordinateCheckResult#layers()}.
         *
         * @param axis {@code width} or {@code depth}
         * @return this builder
         * @throws IllegalArgumentException for another name
         */
        public Builder axis(String axis) {
            this.axis = checkAxis(axis);
            return this;
        }

        /**
         * Also records, after each update, the fraction of hidden-weight entries whose Adam
         * {@code √v̂} is below {@code factor} times their ε (as {@link #EPSILON_PROBE}): where ε
         * is comparable to {@code √v̂}, Adam no longer normalizes the step. Under μP with a fixed
         * ε it rises with width (gradients shrink like 1/width); with
         * {@code EpsilonScaling.HIDDEN} it stays flat. Needs a {@link MuAdam}.
         *
         * @param factor the multiple of ε, 10 in the usual probe; positive
         * @return this builder
         */
        public Builder epsilonProbe(double factor) {
            if (!(factor > 0) || Double.isInfinite(factor)) {
                throw new IllegalArgumentException("epsilonProbe factor must be positive, got " + factor);
            }
            this.epsilonProbe = factor;
            return this;
        }

        /**
         * Sets the device the runs train on.
         *
         * @param device the device; the engine's default device if never set
         * @return this builder
         */
        public Builder device(Device device) {
            this.device = Objects.requireNonNull(device, "device");
            return this;
        }

        /**
         * Sets the precision the runs train in.
         *
         * @param precision {@link Precision#FP32} (default) or mixed precision
         * @return this builder
         */
        public Builder precision(Precision precision) {
            this.precision = Objects.requireNonNull(precision, "precision");
            return this;
        }

        /**
         * Sets the widths, at least two, all positive.
         *
         * @param widths the widths
         * @return this builder
         */
        public Builder widths(List<Integer> widths) {
            if (widths == null || widths.size() < 2 || widths.stream().anyMatch(w -> w == null || w <= 0)) {
                throw new IllegalArgumentException(
                        "widths must be at least two positive integers, got " + widths);
            }
            if (widths.stream().distinct().count() != widths.size()) {
                throw new IllegalArgumentException("widths must be distinct, got " + widths);
            }
            this.widths = widths;
            return this;
        }

        /**
         * Sets the number of steps T.
         *
         * @param steps positive
         * @return this builder
         */
        public Builder steps(int steps) {
            if (steps <= 0) {
                throw new IllegalArgumentException("steps must be positive, got " + steps);
            }
            this.steps = steps;
            return this;
        }

        /**
         * Sets the number of seeds averaged over.
         *
         * @param seeds positive
         * @return this builder
         */
        public Builder seeds(int seeds) {
            if (seeds <= 0) {
                throw new IllegalArgumentException("seeds must be positive, got " + seeds);
            }
            this.seeds = seeds;
            return this;
        }

        /**
         * Sets how models are built.
         *
         * @param models the factory
         * @return this builder
         */
        public Builder models(ModelFactory models) {
            this.models = Objects.requireNonNull(models, "models");
            return this;
        }

        /**
         * Sets how optimizers are built.
         *
         * @param optimizers the factory
         * @return this builder
         */
        public Builder optimizers(OptimizerFactory optimizers) {
            this.optimizers = Objects.requireNonNull(optimizers, "optimizers");
            return this;
        }

        /**
         * Sets the batches.
         *
         * @param batches the source
         * @return this builder
         */
        public Builder batches(BatchSource batches) {
            this.batches = Objects.requireNonNull(batches, "batches");
            return this;
        }

        /**
         * Sets the loss (softmax cross-entropy by default).
         *
         * @param loss the loss
         * @return this builder
         */
        public Builder loss(Loss loss) {
            this.loss = Objects.requireNonNull(loss, "loss");
            return this;
        }

        /**
         * Builds the check.
         *
         * @return the check
         * @throws IllegalStateException if widths, models, optimizers or batches are missing
         */
        public CoordinateCheck build() {
            if (widths.isEmpty() || models == null || optimizers == null || batches == null) {
                throw new IllegalStateException(
                        "a coordinate check needs widths, models, optimizers and batches");
            }
            return new CoordinateCheck(this);
        }
    }
}
