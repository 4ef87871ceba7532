package dev.mup.examples.sweep;

import dev.mup.workflow.sweep.Hyperparameter;
import dev.mup.workflow.sweep.SweepSettings;
import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.training.tracker.WarmUpTracker;
import dev.mup.examples.data.TeacherTask;
import dev.mup.examples.gpt.CharCorpus;
import dev.mup.examples.gpt.GptMuP;
import dev.mup.examples.gpt.SequenceLoss;
import dev.mup.examples.mlp.MlpMuP;
import dev.mup.runtime.InitMode;
import dev.mup.runtime.MuModel;
import dev.mup.runtime.MuOptions;
import dev.mup.runtime.Parametrization;
import dev.mup.runtime.WeightDecayMode;
import dev.mup.runtime.precision.Precision;
import dev.mup.runtime.precision.TrainingStep;
import dev.mup.workflow.sweep.TrialResult;
import dev.mup.workflow.sweep.TrialRunner;
import dev.mup.workflow.sweep.TrialSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Trains one trial of a sweep: builds the example model at the trial's width in its
 * parametrization with its hyperparameters, trains it for the sweep's steps and measures the
 * training loss (mean of the last tenth of the steps) and the validation loss (mean over held-out
 * batches). A loss that becomes NaN or infinite stops the trial early; the store records it as
 * diverged. Every array of a trial (model, optimizer state, batches) lives on the trainer's
 * device; in mixed precision a step whose float16 gradients overflow is skipped, as usual.
 */
public final class TrialTrainer implements TrialRunner {

    /** MLP input features. */
    static final int FEATURES = 32;
    /** MLP classes. */
    static final int CLASSES = 10;
    /** Seed of the MLP's teacher: the task is the same in every trial. */
    static final long TEACHER_SEED = 1234;

    private final SweepSettings settings;
    private final CharCorpus corpus;
    private final TeacherTask teacher;
    private final Device device;
    private final Precision precision;

    /**
     * Creates the trainer of a sweep.
     *
     * @param settings the sweep
     * @param corpus the text, for the GPT; {@code null} for the MLP
     * @param device where trials train
     * @param precision the arithmetic they train in (a sweep trains in its own,
     *     {@link SweepSettings#precision()}; a transfer may choose)
     */
    public TrialTrainer(SweepSettings settings, CharCorpus corpus, Device device, Precision precision) {
        this.settings = settings;
        this.corpus = corpus;
        this.device = device;
        this.precision = precision;
        if ("gpt".equals(settings.model()) && corpus == null) {
            throw new IllegalArgumentException("the GPT needs a text");
        }
        this.teacher = "mlp".equals(settings.model())
                ? TeacherTask.generate((settings.steps() + settings.validBatches()) * settings.batch(),
                        FEATURES, CLASSES, TEACHER_SEED)
                : null;
    }

    @Override
    public TrialResult run(TrialSpec spec) {
        long start = System.nanoTime();
        Map<String, Double> h = spec.hyperparameters();
        double lr = Math.pow(2, value(h, Hyperparameter.LOG2_LR));
        MuOptions options = options(spec);
        Engine.getInstance().setRandomSeed((int) spec.seed());
        List<Float> losses = new ArrayList<>();
        double valid;
        try (NDManager manager = NDManager.newBaseManager(device);
                Model model = Model.newInstance("trial", device)) {
            MuModel block = build(options, spec.width(), manager);
            model.setBlock(precision.apply(block));
            Optimizer optimizer = optimizer(block, (float) lr, h);
            Loss loss = "gpt".equals(settings.model()) ? new SequenceLoss() : Loss.softmaxCrossEntropyLoss();
            DefaultTrainingConfig config = new DefaultTrainingConfig(loss)
                    .optOptimizer(optimizer)
                    .optDevices(new Device[] {device});
            try (Trainer trainer = model.newTrainer(config)) {
                for (int step = 0; step < settings.steps(); step++) {
                    try (NDManager batchManager = manager.newSubManager()) {
                        NDList[] batch = trainBatch(batchManager, spec.seed(), step);
                        float value;
                        try (GradientCollector collector = trainer.newGradientCollector()) {
                            NDList predictions = trainer.forward(batch[0]);
                            NDArray l = trainer.getLoss().evaluate(batch[1], predictions);
                            value = l.getFloat();
                            if (!Float.isFinite(value)) {
                                return new TrialResult(Double.NaN, Double.NaN, step + 1, seconds(start));
                            }
                            TrainingStep.backward(trainer, collector, l);
                        }
                        TrainingStep.step(trainer);
                        losses.add(value);
                    }
                }
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
    MuOptions options(TrialSpec spec) {
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
        return b.build();
    }

    private MuModel build(MuOptions options, int width, NDManager manager) {
        if ("gpt".equals(settings.model())) {
            GptMuP gpt = new GptMuP(options, corpus.vocabulary(), settings.sequence(), settings.layers(),
                    width, settings.headSize());
            gpt.initialize(manager, DataType.FLOAT32, new Shape(settings.batch(), settings.sequence()));
            return gpt;
        }
        MlpMuP mlp = new MlpMuP(options, width, FEATURES, CLASSES);
        mlp.initialize(manager, DataType.FLOAT32, new Shape(settings.batch(), FEATURES));
        return mlp;
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
                        .optLearningRateTracker(tracker).build();
            default:
                return model.adam(lr).optBeta1(settings.beta1()).optBeta2(settings.beta2())
                        .optWeightDecay(wd, WeightDecayMode.COUPLED)
                        .optLearningRateTracker(tracker).build();
        }
    }

    private NDList[] trainBatch(NDManager manager, long seed, int step) {
        if ("gpt".equals(settings.model())) {
            return corpus.trainBatch(manager, settings.batch(), settings.sequence(), seed, step);
        }
        return teacherBatch(manager, step);
    }

    private NDList[] teacherBatch(NDManager manager, int index) {
        int b = settings.batch();
        return new NDList[] {
            new NDList(manager.create(teacher.inputs(index * b, b), new Shape(b, FEATURES))),
            new NDList(manager.create(teacher.labels(index * b, b)))
        };
    }

    private double validate(Trainer trainer, NDManager manager) {
        double sum = 0;
        for (int i = 0; i < settings.validBatches(); i++) {
            try (NDManager batchManager = manager.newSubManager()) {
                NDList[] batch = "gpt".equals(settings.model())
                        ? corpus.validBatch(batchManager, settings.batch(), settings.sequence(), i)
                        : teacherBatch(batchManager, settings.steps() + i);
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
