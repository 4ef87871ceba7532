import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.mup.examples.bench.PlainGpt;
import dev.mup.examples.gpt.CharCorpus;
import dev.mup.examples.gpt.GptMuP;
import dev.mup.examples.gpt.SequenceLoss;
import dev.mup.runtime.MuOptions;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Native operations per training step of the bench command's GPT (2 blocks, head 32, sequence
 * 64, batch 16, Adam), counted with libtorch's own profiler: the generated μP model with μP Adam
 * and the plain DJL model with DJL's Adam. After 10 warm-up steps, 5 steps run under
 * {@code JniUtils.startProfile}; the trace's top-level operations (those not nested in another
 * on the same thread) are the calls DJL made into libtorch. Reported per step: that count, the
 * time spent inside them, the step's wall time, and the time outside any operation (Java, JNI and
 * the profiler's own bookkeeping) divided by the count. {@code examples/bench/ops_per_step.py}
 * counts PyTorch's the same way.
 *
 * <pre>
 * java -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=2 -Dai.djl.pytorch.num_interop_threads=1 \
 *      -cp examples/target/mup-examples.jar examples/bench/probes/OpsPerStep.java 128 512
 * </pre>
 *
 * The arguments are widths, positive multiples of the head size 32 (default 128 and 512).
 */
public class OpsPerStep {
    private static final int WARMUP = 10;
    private static final int PROFILED = 5;

    public static void main(String[] args) throws Exception {
        int[] widths = args.length == 0 ? new int[] {128, 512} : new int[args.length];
        for (int i = 0; i < args.length; i++) {
            widths[i] = width(args[i]);
        }
        CharCorpus corpus = CharCorpus.builtIn();
        for (int width : widths) {
            for (boolean mu : new boolean[] {true, false}) {
                Engine.getInstance().setRandomSeed(1);
                AbstractBlock block = mu
                        ? new GptMuP(MuOptions.defaults(), corpus.vocabulary(), 64, 2, width, 32)
                        : new PlainGpt(corpus.vocabulary(), 64, 2, width, 32);
                try (Model model = Model.newInstance(mu ? "mu" : "plain")) {
                    model.setBlock(block);
                    block.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(16, 64));
                    Optimizer adam = mu
                            ? ((GptMuP) block).adam(1e-3f).build()
                            : Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-3f)).build();
                    try (Trainer trainer = model.newTrainer(
                            new DefaultTrainingConfig(new SequenceLoss()).optOptimizer(adam))) {
                        for (int s = 0; s < WARMUP; s++) {
                            step(trainer, corpus, s);
                        }
                        Path trace = Files.createTempFile("ops-per-step", ".json");
                        JniUtils.startProfile(false, false, false);
                        long start = System.nanoTime();
                        for (int s = WARMUP; s < WARMUP + PROFILED; s++) {
                            step(trainer, corpus, s);
                        }
                        long end = System.nanoTime();
                        JniUtils.stopProfile(trace.toString());
                        report(width, mu ? "μP GPT, μP Adam" : "plain DJL GPT, DJL Adam", trace, (end - start) / 1e3);
                        Files.delete(trace);
                    }
                }
            }
        }
    }

    /** A width argument: a positive multiple of the head size, 32; else a one-line error and exit 2. */
    private static int width(String arg) {
        try {
            int width = Integer.parseInt(arg);
            if (width > 0 && width % 32 == 0) {
                return width;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        System.err.println("OpsPerStep: widths are positive multiples of the head size 32, got " + arg);
        System.exit(2);
        throw new AssertionError("unreachable");
    }

    private static void step(Trainer trainer, CharCorpus corpus, int s) {
        try (NDManager batch = trainer.getManager().newSubManager()) {
            NDList[] b = corpus.trainBatch(batch, 16, 64, 1, s);
            NDArray loss;
            try (GradientCollector c = trainer.newGradientCollector()) {
                loss = trainer.getLoss().evaluate(b[1], trainer.forward(b[0]));
                c.backward(loss);
            }
            trainer.step();
            loss.getFloat();
        }
    }

    /** Prints the per-step count of top-level operations, their time, and the rest. */
    private static void report(int width, String what, Path trace, double wallMicros) throws Exception {
        JsonArray events;
        try (Reader r = Files.newBufferedReader(trace)) {
            events = JsonParser.parseReader(r).getAsJsonArray();
        }
        Map<String, List<double[]>> byThread = new HashMap<>();
        Map<String, Integer> names = new HashMap<>();
        for (JsonElement e : events) {
            JsonObject o = e.getAsJsonObject();
            if (!"X".equals(o.get("ph").getAsString())) {
                continue;
            }
            byThread.computeIfAbsent(o.get("tid").getAsString(), k -> new ArrayList<>())
                    .add(new double[] {o.get("ts").getAsDouble(), o.get("dur").getAsDouble()});
        }
        int topLevel = 0;
        double inside = 0;
        for (List<double[]> list : byThread.values()) {
            // outer operations first at equal start times
            list.sort(Comparator.<double[]>comparingDouble(a -> a[0]).thenComparingDouble(a -> -a[1]));
            double openUntil = Double.NEGATIVE_INFINITY;
            for (double[] op : list) {
                if (op[0] >= openUntil) {
                    topLevel++;
                    inside += op[1];
                    openUntil = op[0] + op[1];
                }
            }
        }
        double perStepWall = wallMicros / PROFILED / 1e3;
        double perStepInside = inside / PROFILED / 1e3;
        double ops = (double) topLevel / PROFILED;
        System.out.printf("width %4d  %-26s  %6.0f ops/step  inside ops %7.2f ms  wall %7.2f ms  "
                        + "outside %6.2f ms = %5.1f µs per op%n",
                width, what, ops, perStepInside, perStepWall, perStepWall - perStepInside,
                (perStepWall - perStepInside) * 1e3 / ops);
    }
}
