package dev.mup.examples.bench;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import dev.mup.examples.mlp.MlpMuP;
import dev.mup.runtime.MuModel;
import dev.mup.runtime.MuOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Times the optimizer step alone, after real gradients exist, for the μP optimizers and DJL's own
 * Adam; {@code examples/bench/optimizer_step.py} times PyTorch's on the same shapes.
 *
 * <p>Models: mup's MLP {@code 3072 → 4096 → 4096 → 10} (29.4M parameters, batch 64), and a
 * GPT-shaped parameter set (the nanoGPT character-level configuration: 6 layers, d_model 384,
 * context 256, vocabulary 65; 10.8M parameters in 76 tensors) whose gradients come from the loss
 * {@code Σ sum(w · r)} with fixed random {@code r}. Two ways of stepping: {@code trainer} times
 * DJL's {@code Trainer.step()} (which also clones every gradient in its parameter server),
 * {@code update} times the optimizer's {@code update} called on each parameter with its own
 * gradient, which is the optimizer's own cost.
 *
 * <pre>
 * java -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=2 -Dai.djl.pytorch.num_interop_threads=1 \
 *     -cp examples/target/mup-examples.jar dev.mup.examples.bench.OptimizerBench \
 *     [--warmup 3] [--steps 20] [--models mlp,gpt] [--modes update,trainer] \
 *     [--optimizers mu-adam,mu-adamw,mu-sgd,djl-adam,mu-adam-ops,mu-adamw-ops,mu-sgd-ops]
 * </pre>
 *
 * <p>{@code mu-adam} is MuAdam (lr 1e-3), {@code mu-adamw} MuAdam with decoupled decay 0.01,
 * {@code mu-sgd} MuSgd with momentum 0.9; a {@code -ops} suffix times the same optimizer with
 * {@code optFusedCpuUpdate(false)}: the engine array operations that non-CPU devices use, which
 * is also what every update ran before the fused pass existed. {@code djl-adam} is DJL's
 * {@code Optimizer.adam()}, whose PyTorch update is one native call.
 */
public final class OptimizerBench {

    private static final int FEATURES = 3072;
    private static final int WIDTH = 4096;
    private static final int CLASSES = 10;
    private static final int BATCH = 64;
    private static final float LR = 1e-3f;

    private OptimizerBench() {}

    /**
     * Runs the benchmark.
     *
     * @param args {@code --warmup N --steps N --models mlp,gpt --modes update,trainer
     *     --optimizers mu-adam,mu-adamw,mu-sgd,djl-adam,mu-adam-ops,mu-adamw-ops,mu-sgd-ops}
     */
    public static void main(String[] args) {
        try {
            run(args);
        } catch (IllegalArgumentException e) {
            System.err.println("OptimizerBench: " + e.getMessage());
            System.exit(2);
        }
    }

    private static void run(String[] args) {
        int warmup = 3;
        int steps = 20;
        List<String> models = List.of("mlp", "gpt");
        List<String> modes = List.of("update", "trainer");
        List<String> optimizers =
                List.of("mu-adam", "mu-adamw", "mu-sgd", "djl-adam", "mu-adam-ops", "mu-adamw-ops", "mu-sgd-ops");
        for (int i = 0; i + 1 < args.length; i += 2) {
            String value = args[i + 1];
            switch (args[i]) {
                case "--warmup":
                    warmup = count("--warmup", value, 0);
                    break;
                case "--steps":
                    steps = count("--steps", value, 1);
                    break;
                case "--models":
                    models = Arrays.asList(value.split(","));
                    break;
                case "--modes":
                    modes = Arrays.asList(value.split(","));
                    break;
                case "--optimizers":
                    optimizers = Arrays.asList(value.split(","));
                    break;
                default:
                    throw new IllegalArgumentException("Unknown option " + args[i]);
            }
        }
        if (args.length % 2 != 0) {
            throw new IllegalArgumentException("Options come in pairs: --name value");
        }
        requireKnown("--models", models, List.of("mlp", "gpt"));
        requireKnown("--modes", modes, List.of("update", "trainer"));
        requireKnown("--optimizers", optimizers, List.of(
                "mu-adam", "mu-adamw", "mu-sgd", "djl-adam", "mu-adam-ops", "mu-adamw-ops", "mu-sgd-ops"));
        Engine engine = Engine.getInstance();
        System.out.printf(Locale.ROOT, "%s %s, ai.djl.pytorch.num_threads=%s, Java %s, %d cores%n",
                engine.getEngineName(), engine.getVersion(),
                System.getProperty("ai.djl.pytorch.num_threads", "(engine default)"),
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
        for (String model : models) {
            for (String mode : modes) {
                if ("gpt".equals(model) && "trainer".equals(mode)) {
                    continue; // the GPT-shaped set is parameters without a block
                }
                for (String optimizer : optimizers) {
                    double[] ms = "mlp".equals(model)
                            ? mlp(optimizer, "trainer".equals(mode), warmup, steps)
                            : gpt(optimizer, warmup, steps);
                    System.out.printf(Locale.ROOT, "%-4s %-8s %-13s %s%n", model, mode, optimizer, summary(ms));
                }
            }
        }
    }

    /** A whole number of at least {@code min}, or a message naming the option. */
    private static int count(String option, String value, int min) {
        int n;
        try {
            n = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a whole number, got '" + value + "'");
        }
        if (n < min) {
            throw new IllegalArgumentException(option + " must be at least " + min + ", got " + n);
        }
        return n;
    }

    /** Every name is one of the known ones, checked before any timing starts. */
    private static void requireKnown(String option, List<String> names, List<String> known) {
        for (String name : names) {
            if (!known.contains(name)) {
                throw new IllegalArgumentException(
                        option + ": unknown '" + name + "'; use " + String.join(", ", known));
            }
        }
    }

    /**
     * The optimizer of a name; a {@code -ops} suffix turns the fused CPU update off, leaving the
     * engine array operations that other devices use.
     */
    private static Optimizer optimizer(String name, MuModel model) {
        return optimizer(name, model, List.of());
    }

    /** The optimizer of a name, also updating {@code unscaled} (ids outside the model) at multiplier 1. */
    private static Optimizer optimizer(String name, MuModel model, List<String> unscaled) {
        boolean fused = !name.endsWith("-ops");
        switch (name.replace("-ops", "")) {
            case "mu-adam":
                return model.adam(LR).optFusedCpuUpdate(fused).optUnscaledParameters(unscaled).build();
            case "mu-adamw":
                return model.adamW(LR, 0.01f).optFusedCpuUpdate(fused).optUnscaledParameters(unscaled).build();
            case "mu-sgd":
                return model.sgd(10 * LR).optMomentum(0.9).optFusedCpuUpdate(fused)
                        .optUnscaledParameters(unscaled).build();
            case "djl-adam":
                return Optimizer.adam().optLearningRateTracker(Tracker.fixed(LR)).build();
            default:
                throw new IllegalArgumentException("Unknown optimizer " + name
                        + ": use mu-adam, mu-adamw, mu-sgd (each optionally with -ops) or djl-adam");
        }
    }

    /** Milliseconds of each timed step on the MLP. */
    private static double[] mlp(String name, boolean viaTrainer, int warmup, int steps) {
        Engine.getInstance().setRandomSeed(1);
        try (NDManager manager = NDManager.newBaseManager()) {
            MlpMuP mlp = new MlpMuP(MuOptions.defaults(), WIDTH, FEATURES, CLASSES);
            mlp.initialize(manager, DataType.FLOAT32, new Shape(BATCH, FEATURES));
            Optimizer optimizer = optimizer(name, mlp);
            List<Pair<String, Parameter>> parameters = mlp.getParameters().stream().toList();
            double[] ms = new double[steps];
            try (Model model = Model.newInstance("bench")) {
                model.setBlock(mlp);
                DefaultTrainingConfig config =
                        new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss()).optOptimizer(optimizer);
                try (Trainer trainer = model.newTrainer(config)) {
                    for (int i = 0; i < warmup + steps; i++) {
                        try (NDManager batch = trainer.getManager().newSubManager()) {
                            NDArray x = batch.randomNormal(new Shape(BATCH, FEATURES));
                            NDArray y = batch.randomInteger(0, CLASSES, new Shape(BATCH), DataType.INT32);
                            try (GradientCollector collector = trainer.newGradientCollector()) {
                                NDList out = trainer.forward(new NDList(x));
                                collector.backward(trainer.getLoss().evaluate(new NDList(y), out));
                            }
                            long start = System.nanoTime();
                            if (viaTrainer) {
                                trainer.step();
                            } else {
                                updateEach(optimizer, parameters, Parameter::getId);
                            }
                            long end = System.nanoTime();
                            if (i >= warmup) {
                                ms[i - warmup] = (end - start) / 1e6;
                            }
                        }
                    }
                }
            }
            return ms;
        }
    }

    /** Milliseconds of each timed step on the GPT-shaped parameters. */
    private static double[] gpt(String name, int warmup, int steps) {
        Engine.getInstance().setRandomSeed(1);
        try (NDManager manager = NDManager.newBaseManager()) {
            // an optimizer needs a μP model; the GPT tensors are not in it and get multiplier 1
            MlpMuP small = new MlpMuP(MuOptions.defaults(), 64, 8, 2);
            small.initialize(manager, DataType.FLOAT32, new Shape(1, 8));
            List<Pair<String, Parameter>> parameters = new ArrayList<>();
            List<NDArray> directions = new ArrayList<>();
            int index = 0;
            for (Shape shape : gptSet()) {
                NDArray w = manager.randomNormal(0, 0.02f, shape, DataType.FLOAT32);
                w.setRequiresGradient(true);
                Parameter p = Parameter.builder().setName("gpt" + index++).setType(Parameter.Type.WEIGHT).build();
                p.setArray(w);
                parameters.add(new Pair<>(p.getName(), p));
                directions.add(manager.randomNormal(shape));
            }
            // declared on purpose: a μP optimizer refuses ids that are not its model's
            Optimizer optimizer = optimizer(name, small, parameters.stream().map(Pair::getKey).toList());
            double[] ms = new double[steps];
            for (int i = 0; i < warmup + steps; i++) {
                try (NDScope scope = new NDScope();
                        GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    scope.suppressNotUsedWarning();
                    NDArray loss = manager.zeros(new Shape());
                    for (int k = 0; k < parameters.size(); k++) {
                        loss = loss.add(parameters.get(k).getValue().getArray().mul(directions.get(k)).sum());
                    }
                    collector.backward(loss);
                }
                long start = System.nanoTime();
                updateEach(optimizer, parameters, Parameter::getName);
                long end = System.nanoTime();
                if (i >= warmup) {
                    ms[i - warmup] = (end - start) / 1e6;
                }
            }
            return ms;
        }
    }

    /** Calls the optimizer on every parameter with its own gradient, as a training loop can. */
    private static void updateEach(
            Optimizer optimizer, List<Pair<String, Parameter>> parameters, Function<Parameter, String> id) {
        for (Pair<String, Parameter> pair : parameters) {
            Parameter p = pair.getValue();
            NDArray w = p.getArray();
            try (NDArray g = w.getGradient()) {
                optimizer.update(id.apply(p), w, g);
            }
        }
    }

    /**
     * The GPT-shaped parameter set this benchmark times: 6 layers of width 384, 65 tokens, context
     * 256 (76 arrays, 10.8M parameters); the probes time passes over the same set.
     *
     * @return the parameter shapes
     */
    public static List<Shape> gptSet() {
        return gptShapes(6, 384, 65, 256);
    }

    /**
     * Parameter shapes of a GPT-2-style decoder with a tied readout; the same list as
     * {@code optimizer_step.py}.
     */
    static List<Shape> gptShapes(int layers, int d, int vocab, int context) {
        List<Shape> shapes = new ArrayList<>();
        shapes.add(new Shape(vocab, d));
        shapes.add(new Shape(context, d));
        for (int l = 0; l < layers; l++) {
            shapes.addAll(List.of(
                    new Shape(d), new Shape(d), // ln_1
                    new Shape(3L * d, d), new Shape(3L * d), // attention in-projection
                    new Shape(d, d), new Shape(d), // attention out-projection
                    new Shape(d), new Shape(d), // ln_2
                    new Shape(4L * d, d), new Shape(4L * d), // MLP up
                    new Shape(d, 4L * d), new Shape(d))); // MLP down
        }
        shapes.add(new Shape(d));
        shapes.add(new Shape(d)); // ln_f
        return shapes;
    }

    private static String summary(double[] ms) {
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return String.format(Locale.ROOT, "median %7.1f ms  min %7.1f  max %7.1f  (n=%d)",
                median, sorted[0], sorted[n - 1], n);
    }
}
