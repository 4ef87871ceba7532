package dev.mup.examples.resnet;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import dev.mup.runtime.MuOptions;
import dev.mup.runtime.Parametrization;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Trains the example {@link ResNet} (μP, MuAdam) on Fashion-MNIST, or on the built-in synthetic
 * images when Fashion-MNIST is not installed (Debian: {@code apt-get install
 * dataset-fashion-mnist}), and reports the training loss and the test accuracy.
 *
 * <pre>
 * java -cp examples/target/mup-examples.jar dev.mup.examples.resnet.ResNetTraining \
 *     [--width 16] [--stages 4] [--blocks 2] [--steps 300] [--batch 64] [--lr 0.002] \
 *     [--train 10000] [--test 2000] [--sp] [--data /usr/share/datasets/fashion-mnist]
 * </pre>
 */
public final class ResNetTraining {

    /** What one run measured. */
    public record Result(List<Float> losses, double testAccuracy, boolean synthetic, String data) {}

    /** The settings of a run. */
    public record Settings(
            int width,
            int stages,
            int blocksPerStage,
            int steps,
            int batch,
            float lr,
            int trainImages,
            int testImages,
            Parametrization parametrization,
            Path data) {

        /** The defaults: ResNet-18 at width 16, 300 steps of 64 on 10,000 training images. */
        public static Settings defaults() {
            return new Settings(16, 4, 2, 300, 64, 2e-3f, 10_000, 2_000, Parametrization.MUP,
                    ImageData.FASHION_MNIST);
        }
    }

    private ResNetTraining() {}

    /**
     * Runs the example from the command line.
     *
     * @param args the options above
     * @throws IOException when Fashion-MNIST is installed but cannot be read
     */
    public static void main(String[] args) throws IOException {
        Settings s;
        try {
            s = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("ResNetTraining: " + e.getMessage());
            System.exit(2);
            return;
        }
        run(s, System.out);
    }

    /**
     * Trains and evaluates one network.
     *
     * @param s the settings
     * @param log where progress goes
     * @return the losses of every step, the test accuracy and which data was used
     * @throws IOException when Fashion-MNIST is installed but cannot be read
     */
    public static Result run(Settings s, PrintStream log) throws IOException {
        ImageData train = ImageData.fashionMnistOrSynthetic(s.data(), true, s.trainImages(), 7);
        ImageData test = ImageData.fashionMnistOrSynthetic(s.data(), false, s.testImages(), 7);
        if (train.synthetic()) {
            log.println("Fashion-MNIST is not installed under " + s.data() + " (Debian package"
                    + " dataset-fashion-mnist); training on the " + train.description() + " instead");
        } else {
            log.println("Training on " + train.description() + ", testing on " + test.description());
        }
        MuOptions options = MuOptions.builder().parametrization(s.parametrization()).build();
        int size = train.size();
        List<Float> losses = new ArrayList<>();
        double accuracy;
        try (NDManager manager = NDManager.newBaseManager();
                Model model = Model.newInstance("resnet")) {
            Engine.getInstance().setRandomSeed(1);
            ResNetMuP net = new ResNetMuP(options, s.width(), 1, ImageData.CLASSES, s.stages(), s.blocksPerStage());
            net.initialize(manager, DataType.FLOAT32, new Shape(s.batch(), 1, size, size));
            Optimizer adam = net.adam(s.lr()).build();
            model.setBlock(net);
            try (Trainer trainer = model.newTrainer(
                    new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss()).optOptimizer(adam))) {
                for (int step = 0; step < s.steps(); step++) {
                    try (NDManager batch = trainer.getManager().newSubManager()) {
                        int start = step * s.batch();
                        NDArray x = batch.create(train.images(start, s.batch()), new Shape(s.batch(), 1, size, size));
                        NDArray y = batch.create(train.labels(start, s.batch()));
                        try (GradientCollector collector = trainer.newGradientCollector()) {
                            NDArray loss = trainer.getLoss().evaluate(new NDList(y), trainer.forward(new NDList(x)));
                            losses.add(loss.getFloat());
                            collector.backward(loss);
                        }
                        trainer.step();
                    }
                    if ((step + 1) % 50 == 0 || step + 1 == s.steps()) {
                        log.printf(Locale.ROOT, "step %d: training loss %.4f%n", step + 1, losses.get(step));
                    }
                }
            }
            accuracy = accuracy(net, manager, test, s.batch());
        }
        log.printf(Locale.ROOT, "test accuracy %.4f on %d images%n", accuracy, test.count());
        return new Result(losses, accuracy, train.synthetic(), train.description());
    }

    /** Accuracy in inference mode (BatchNorm uses its running statistics). */
    private static double accuracy(ResNetMuP net, NDManager manager, ImageData test, int batch) {
        int size = test.size();
        long correct = 0;
        for (int start = 0; start < test.count(); start += batch) {
            int n = Math.min(batch, test.count() - start);
            try (NDManager scope = manager.newSubManager()) {
                NDArray x = scope.create(test.images(start, n), new Shape(n, 1, size, size));
                NDArray logits = net.forward(new ParameterStore(scope, false), new NDList(x), false)
                        .singletonOrThrow();
                NDArray predicted = logits.argMax(1);
                NDArray y = scope.create(test.labels(start, n));
                correct += predicted.eq(y).sum().getLong();
            }
        }
        return (double) correct / test.count();
    }

    static Settings parse(String[] args) {
        Settings d = Settings.defaults();
        int width = d.width();
        int stages = d.stages();
        int blocks = d.blocksPerStage();
        int steps = d.steps();
        int batch = d.batch();
        float lr = d.lr();
        int train = d.trainImages();
        int test = d.testImages();
        Parametrization p = d.parametrization();
        Path data = d.data();
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (name.equals("--sp")) {
                p = Parametrization.SP;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(name + " needs a value");
            }
            String value = args[++i];
            switch (name) {
                case "--width" -> width = positive(name, value);
                case "--stages" -> stages = positive(name, value);
                case "--blocks" -> blocks = positive(name, value);
                case "--steps" -> steps = positive(name, value);
                case "--batch" -> batch = positive(name, value);
                case "--train" -> train = positive(name, value);
                case "--test" -> test = positive(name, value);
                case "--data" -> data = Path.of(value);
                case "--lr" -> {
                    try {
                        lr = Float.parseFloat(value);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--lr must be a number, got '" + value + "'");
                    }
                    if (!(lr > 0) || Float.isInfinite(lr)) {
                        throw new IllegalArgumentException("--lr must be positive, got " + value);
                    }
                }
                default -> throw new IllegalArgumentException("unknown option " + name + "; options: --width,"
                        + " --stages, --blocks, --steps, --batch, --lr, --train, --test, --sp, --data");
            }
        }
        if (stages > 4) {
            throw new IllegalArgumentException("--stages must be 1 to 4, got " + stages);
        }
        return new Settings(width, stages, blocks, steps, batch, lr, train, test, p, data);
    }

    private static int positive(String name, String value) {
        try {
            int v = Integer.parseInt(value);
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + " must be a positive whole number, got '" + value + "'");
    }
}
