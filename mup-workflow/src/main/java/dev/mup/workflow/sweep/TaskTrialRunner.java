package dev.mup.workflow.sweep;

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
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.training.tracker.WarmUpTracker;
import dev.mup.runtime.InitMode;
import dev.mup.runtime.MuAdamAtan2;
import dev.mup.runtime.MuModel;
import dev.mup.runtime.MuOptions;
import dev.mup.runtime.Parametrization;
import dev.mup.runtime.WeightDecayMode;
import dev.mup.runtime.precision.Precision;
import dev.mup.runtime.precision.TrainingStep;
import dev.mup.workflow.task.MuTask;
import dev.mup.workflow.task.Tasks;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Trains one trial of a sweep on a task: builds the task's model at the trial's width (and depth,
 * when the trial has one) in its parametrization with its hyperparameters and the sweep's depth
 * exponent (engine seeded with the trial's seed), trains it for
 * the sweep's steps on the task's training batches of that seed and measures the training loss
 * (mean of the last tenth of the steps) and the validation loss (mean over the task's held-out
 * batches, in inference mode, after the task's {@link MuTask#batchNormRecalibrationBatches()
 * BatchNorm recalibration} if it asks for one). A loss that becomes NaN or infinite stops the trial early; the store records it as
 * diverged. Every array of a trial lives on the runner's device; in mixed precision a step whose
 * float16 gradients overflow is skipped, as usual.
 *
 * <p>Safe to call from several threads at once ({@link SweepWorker#withParallelism(int)}, or
 * several Spark tasks in one executor): the engine's random generator is process-wide, so seeding
 * it and initializing the model happen under one lock per JVM, and the task's batches are made
 * one at a time (a task need not be thread-safe). DJL's PyTorch engine also allows only one
 * gradient collector per process, so forward and backward passes take turns; optimizer steps,
 * batches and validation run concurrently. A trial's losses do not depend on what trains beside it.
 */
public final class TaskTrialRunner implements TrialRunner {

    /**
     * Held while a trial seeds the engine's random generator (one per process in every DJL engine)
     * and draws its initial weights, so that concurrent trials draw from their own seed.
     */
    private static final Object ENGINE_RANDOM = new Object();

    /**
     * Held while a trial records and back-propagates a step: DJL 0.35.1's PyTorch engine allows
     * one {@link GradientCollector} per process at a time (a static flag in
     * {@code PtGradientCollector}; a second one throws "A PtGradientCollector is already
     * collecting"). Forward and backward of concurrent trials therefore take turns; their data,
     * optimizer steps and validation run side by side.
     */
    private static final Object GRADIENTS = new Object();

    private final MuTask task;
    private final SweepSettings settings;
    private final Device device;
    private final Precision precision;

    /**
     * Creates the runner of a sweep.
     *
     * @param task the task, configured as the sweep's {@link SweepSettings#taskSettings()} say
     * @param settings the sweep
     * @param device where trials train
     * @param precision the arithmetic they train in (a sweep trains in its own,
     *     {@link SweepSettings#precision()}; a transfer may choose)
     */
    public TaskTrialRunner(MuTask task, SweepSettings settings, Device device, Precision precision) {
        this.task = Objects.requireNonNull(task, "task");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.device = device != null ? device : Engine.getInstance().defaultDevice();
        this.precision = Objects.requireNonNull(precision, "precision");
    }

    @Override
    public TrialResult run(TrialSpec spec) {
        long start = System.nanoTime();
        // refused before training, so that no trial's work is lost to it
        int recalibration = task.batchNormRecalibrationBatches();
        if (recalibration < 0) {
            throw new IllegalStateException(task.name() + ".batchNormRecalibrationBatches() is negative: "
                    + recalibration);
        }
        Map<String, Double> h = spec.hyperparameters();
        double lr = Math.pow(2, value(h, Hyperparameter.LOG2_LR));
        MuOptions options = options(spec, settings);
        List<Float> losses = new ArrayList<>();
        double valid;
        try (NDManager manager = NDManager.newBaseManager(device);
                Model model = Model.newInstance("trial", device)) {
            MuModel block;
            synchronized (ENGINE_RANDOM) {
                Engine.getInstance().setRandomSeed((int) spec.seed());
                synchronized (task) {
                    block = spec.hasDepth()
                            ? Tasks.model(task, spec.width(), spec.depth(), options)
                            : task.model(spec.width(), options);
                }
                block.initialize(manager, DataType.FLOAT32, task.inputShapes(settings.batch()));
            }
            model.setBlock(precision.apply(block));
            Optimizer optimizer = optimizer(block, (float) lr, h);
            DefaultTrainingConfig config = new DefaultTrainingConfig(task.loss())
                    .optOptimizer(optimizer)
                    .optDevices(new Device[] {device});
            try (Trainer trainer = model.newTrainer(config)) {
                for (int step = 0; step < settings.steps(); step++) {
                    try (NDManager batchManager = manager.newSubManager()) {
                        NDList[] batch;
                        synchronized (task) {
                            batch = task.trainingBatch(batchManager, settings.batch(), spec.seed(), step);
                        }
                        float value;
                        synchronized (GRADIENTS) {
                            try (GradientCollector collector = trainer.newGradientCollector()) {
                                NDList predictions = trainer.forward(batch[0]);
                                NDArray l = trainer.getLoss().evaluate(batch[1], predictions);
                                value = l.getFloat();
                                if (!Float.isFinite(value)) {
                                    return new TrialResult(Double.NaN, Double.NaN, step + 1, seconds(start));
                                }
                                TrainingStep.backward(trainer, collector, l);
                            }
                        }
                        TrainingStep.step(trainer);
                        losses.add(value);
                    }
                }
                recalibrateBatchNorm(trainer, manager, spec, recalibration);
                valid = validate(trainer, manager);
            }
        }
        int tail = Math.max(1, losses.size() / 10);
        double train = losses.subList(losses.size() - tail, losses.size()).stream()
                .mapToDouble(Float::doubleValue).average().orElse(Double.NaN);
        return new TrialResult(train, valid, settings.steps(), seconds(start));
    }

    /**
     * The model options of a trial.
     *
     * @param spec the trial
     * @return its parametrization, init and multipliers
     */
    public static MuOptions options(TrialSpec spec) {
        return options(spec, 0);
    }

    /**
     * The model options of a trial of a sweep with depth scaling.
     *
     * @param spec the trial
     * @param depthExponent the sweep's depth exponent α ({@link SweepSettings#depthExponent()})
     * @return its parametrization, init, multipliers and depth exponent
     */
    public static MuOptions options(TrialSpec spec, double depthExponent) {
        Map<String, Double> h = spec.hyperparameters();
        MuOptions.Builder b = MuOptions.builder()
                .parametrization("sp".equals(spec.parametrization()) ? Parametrization.SP : Parametrization.MUP)
                .outputMultiplier(value(h, Hyperparameter.OUTPUT_MULTIPLIER));
        double initStd = value(h, Hyperparameter.INIT_STD);
        if (initStd > 0) {
            b.initMode(InitMode.parse("normal:" + initStd));
        }
        double attention = value(h, Hyperparameter.ATTENTION_MULTIPLIER);
        if (attention > 0) {
            b.attentionMultiplier(attention);
        }
        if (depthExponent != 0) {
            b.depthExponent(depthExponent);
        }
        return b.build();
    }

    /**
     * The model options of a trial of a sweep: {@link #options(TrialSpec)} with the sweep's ε
     * scaling ({@link SweepSettings#epsilonScaling()}).
     *
     * @param spec the trial
     * @param settings the sweep
     * @return its parametrization, init, multipliers and ε scaling
     */
    public static MuOptions options(TrialSpec spec, SweepSettings settings) {
        return options(spec, settings.depthExponent()).toBuilder().epsilonScaling(settings.epsilonScaling()).build();
    }

    private Optimizer optimizer(MuModel model, float lr, Map<String, Double> h) {
        float wd = (float) value(h, Hyperparameter.WEIGHT_DECAY);
        int warmup = (int) value(h, Hyperparameter.WARMUP_STEPS);
        Tracker tracker = warmup > 0
                ? WarmUpTracker.builder().setMainTracker(Tracker.fixed(lr)).optWarmUpSteps(warmup)
                        .optWarmUpBeginValue(0f).build()
                : Tracker.fixed(lr);
        switch (settings.optimizer()) {
            case "sgd":
                return model.sgd(lr).optMomentum(settings.beta1())
                        .optWeightDecay(wd, WeightDecayMode.COUPLED)
                        .optLearningRateTracker(tracker).build();
            case "adamw":
                return model.adam(lr).optBeta1(settings.beta1()).optBeta2(settings.beta2())
                        .optWeightDecay(wd, WeightDecayMode.DECOUPLED)
                        .optEpsilon(settings.epsilon())
                        .optLearningRateTracker(tracker).build();
            case "adam-atan2":
                return MuAdamAtan2.builder(model).optLearningRate(lr)
                        .optBeta1(settings.beta1()).optBeta2(settings.beta2())
                        .optWeightDecay(wd, WeightDecayMode.DECOUPLED)
                        .optLearningRateTracker(tracker).build();
            case "lion":
            case "lion-independent":
                // Lion's β1 interpolates momentum and gradient in the direction, its β2 decays the momentum
                return model.lion(lr).optBeta1(settings.beta1()).optBeta2(settings.beta2())
                        .optWeightDecay(wd, "lion".equals(settings.optimizer())
                                ? WeightDecayMode.DECOUPLED : WeightDecayMode.INDEPENDENT)
                        .optLearningRateTracker(tracker).build();
            case "adamw-scaled":
                return model.adam(lr).optBeta1(settings.beta1()).optBeta2(settings.beta2())
                        .optWeightDecay(wd, WeightDecayMode.DECOUPLED_SCALED)
                        .optEpsilon(settings.epsilon())
                        .optLearningRateTracker(tracker).build();
            default:
                return model.adam(lr).optBeta1(settings.beta1()).optBeta2(settings.beta2())
                        .optWeightDecay(wd, WeightDecayMode.COUPLED)
                        .optEpsilon(settings.epsilon())
                        .optLearningRateTracker(tracker).build();
        }
    }

    /**
     * Runs {@link MuTask#batchNormRecalibrationBatches()} training batches forward in training
     * mode, which updates BatchNorm's running statistics and nothing else: no gradient is
     * collected and no step is taken.
     */
    private void recalibrateBatchNorm(Trainer trainer, NDManager manager, TrialSpec spec, int batches) {
        for (int i = 0; i < batches; i++) {
            try (NDManager batchManager = manager.newSubManager()) {
                NDList[] batch;
                synchronized (task) {
                    batch = task.trainingBatch(batchManager, settings.batch(), spec.seed(), settings.steps() + i);
                }
                trainer.forward(batch[0]);
            }
        }
    }

    private double validate(Trainer trainer, NDManager manager) {
        double sum = 0;
        for (int i = 0; i < settings.validBatches(); i++) {
            try (NDManager batchManager = manager.newSubManager()) {
                NDList[] batch;
                synchronized (task) {
                    batch = task.validationBatch(batchManager, settings.batch(), settings.steps(), i);
                }
                NDList predictions = trainer.evaluate(batch[0]);
                sum += trainer.getLoss().evaluate(batch[1], predictions).getFloat();
            }
        }
        return sum / settings.validBatches();
    }

    private static double value(Map<String, Double> h, Hyperparameter p) {
        return h.getOrDefault(p.key(), p.defaultValue());
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
