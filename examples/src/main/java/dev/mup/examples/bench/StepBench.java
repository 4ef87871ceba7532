package dev.mup.examples.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.mup.examples.gpt.CharCorpus;
import dev.mup.examples.gpt.GptMuP;
import dev.mup.runtime.MuOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Times a training step of the example GPT two ways at each width: the generated μP model
 * ({@link GptMuP}) with its μP Adam, and the same architecture as a plain DJL block
 * ({@link PlainGpt}) with DJL's own Adam. The ratio of the two is what μP costs; the model FLOP
 * rate against the engine's matmul rate says how well DJL uses the device at all.
 *
 * <p>To keep the comparison fair:
 *
 * <ul>
 *   <li>both variants train on the same batches, cut from the corpus and placed on the device
 *       before any timing, with the same Adam hyperparameters (lr {@value #LR}, β 0.9 and 0.999,
 *       ε 1e-8) through the same {@link TimedTrainer};
 *   <li>they alternate step by step, the first of each pair swapping every round, so that drift
 *       in the machine's speed (another process, thermal limits) falls on both alike;
 *   <li>a step is timed from the forward pass until its loss is read back, after the update, so
 *       an asynchronous device has finished the step when the clock stops.
 * </ul>
 *
 * <p>Nothing here assumes a CPU: models, batches and the matmul run on the device given.
 */
public final class StepBench {

    /** Adam's learning rate, for both variants. */
    static final float LR = 1e-3f;
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPSILON = 1e-8;
    /** Seed of the batches. */
    private static final long DATA_SEED = 1234;
    /** Seed of the initial weights, the same for every width and variant. */
    private static final int WEIGHT_SEED = 1;

    private final BenchSettings settings;
    private final CharCorpus corpus;
    private final Device device;

    /**
     * Creates the benchmark.
     *
     * @param settings what to run
     * @param corpus the text the batches are cut from
     * @param device where to run
     * @throws IllegalArgumentException if the sequence does not fit in the corpus
     */
    public StepBench(BenchSettings settings, CharCorpus corpus, Device device) {
        if (settings.sequence() + 1 > corpus.trainLength()) {
            throw new IllegalArgumentException("sequences of " + settings.sequence() + " characters do not fit in "
                    + corpus.name() + " (" + corpus.trainLength() + " training characters)");
        }
        this.settings = settings;
        this.corpus = corpus;
        this.device = device;
    }

    /**
     * Runs every width, then the matmul rate.
     *
     * @param progress told what is being done, one line at a time
     * @return the results
     */
    public BenchResult run(Consumer<String> progress) {
        List<WidthResult> results = new ArrayList<>();
        for (int width : settings.widths()) {
            results.add(width(width, progress));
        }
        progress.accept(String.format(Locale.ROOT, "matmul %d³ fp32 on %s", MatmulRate.SIZE, device));
        double matmul = MatmulRate.gflops(device, MatmulRate.SIZE);
        Engine engine = Engine.getInstance();
        return new BenchResult(engine.getEngineName() + " " + engine.getVersion(), device.toString(),
                EngineThreads.intraOp(), EngineThreads.interOp(), corpus.describe(), settings, MatmulRate.SIZE, matmul, results);
    }

    /**
     * Times both variants at one width.
     *
     * @param width the model dimension
     * @param progress told what is being done
     * @return the timings
     */
    public WidthResult width(int width, Consumer<String> progress) {
        int rounds = settings.warmup() + settings.steps();
        Shape input = new Shape(settings.batch(), settings.sequence());
        progress.accept(String.format(Locale.ROOT, "width %d: %d warm-up and %d timed steps per variant",
                width, settings.warmup(), settings.steps()));
        double[] mupMs = new double[settings.steps()];
        double[] plainMs = new double[settings.steps()];
        long parameters;
        try (NDManager data = NDManager.newBaseManager(device);
                TimedTrainer mup = mup(width, input);
                TimedTrainer plain = plain(width, input)) {
            parameters = mup.parameters();
            if (parameters != plain.parameters()) {
                throw new IllegalStateException("the plain GPT has " + plain.parameters()
                        + " parameters and the μP GPT " + parameters + ": they are not the same architecture");
            }
            List<NDList[]> batches = new ArrayList<>(rounds);
            for (int i = 0; i < rounds; i++) {
                batches.add(corpus.trainBatch(data, settings.batch(), settings.sequence(), DATA_SEED, i));
            }
            for (int i = 0; i < rounds; i++) {
                NDList[] batch = batches.get(i);
                boolean mupFirst = i % 2 == 0;
                TimedTrainer first = mupFirst ? mup : plain;
                TimedTrainer second = mupFirst ? plain : mup;
                double a = first.step(batch[0], batch[1]);
                double b = second.step(batch[0], batch[1]);
                int timed = i - settings.warmup();
                if (timed >= 0) {
                    mupMs[timed] = mupFirst ? a : b;
                    plainMs[timed] = mupFirst ? b : a;
                }
            }
        }
        WidthResult result = new WidthResult(width, parameters,
                GptFlops.trainingStep(settings.layers(), width, settings.sequence(), settings.batch(),
                        corpus.vocabulary()),
                StepTiming.of(mupMs), StepTiming.of(plainMs));
        progress.accept(String.format(Locale.ROOT, "width %d: μP %.2f ms, plain DJL %.2f ms (medians)",
                width, result.mup().medianMs(), result.plain().medianMs()));
        return result;
    }

    private TimedTrainer mup(int width, Shape input) {
        Engine.getInstance().setRandomSeed(WEIGHT_SEED);
        GptMuP gpt = new GptMuP(MuOptions.defaults(), corpus.vocabulary(), settings.sequence(),
                settings.layers(), width, settings.headSize());
        return TimedTrainer.start("μP GPT", gpt, input,
                m -> m.adam(LR).optBeta1(BETA1).optBeta2(BETA2).optEpsilon(EPSILON).build(), device);
    }

    private TimedTrainer plain(int width, Shape input) {
        Engine.getInstance().setRandomSeed(WEIGHT_SEED);
        PlainGpt gpt = new PlainGpt(corpus.vocabulary(), settings.sequence(), settings.layers(), width,
                settings.headSize());
        return TimedTrainer.start("plain GPT", gpt, input,
                m -> Optimizer.adam()
                        .optLearningRateTracker(Tracker.fixed(LR))
                        .optBeta1((float) BETA1)
                        .optBeta2((float) BETA2)
                        .optEpsilon((float) EPSILON)
                        .build(),
                device);
    }
}
