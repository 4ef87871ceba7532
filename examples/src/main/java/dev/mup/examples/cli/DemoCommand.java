package dev.mup.examples.cli;

import dev.mup.cli.DeviceOption;
import dev.mup.cli.OptimizerChoice;
import dev.mup.runtime.TextTable;
import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.mup.examples.data.TeacherTask;
import dev.mup.examples.mlp.MlpMuP;
import dev.mup.examples.train.ClassifierTraining;
import dev.mup.runtime.MuOptions;
import dev.mup.runtime.precision.Precision;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The quick-start job: trains the example MLP in μP on the built-in teacher task at a narrow and
 * a wide width with the same hyperparameters, and prints the wide model's μP table and both
 * loss curves.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = "Train the μP MLP on built-in synthetic data at two widths with the same"
                + " hyperparameters; print the μP table and the losses.")
final class DemoCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Mixin DeviceOption devices;

    @Option(names = "--widths", split = ",", defaultValue = "64,1024",
            description = "Widths to train (default 64,1024; 64 is the base width).")
    List<Integer> widths;

    @Option(names = "--steps", defaultValue = "300", description = "Training steps (default 300).")
    int steps;

    @Option(names = "--batch", defaultValue = "64", description = "Batch size (default 64).")
    int batch;

    @Option(names = "--lr", defaultValue = "0.003", description = "Global learning rate (default 0.003).")
    float lr;

    @Option(names = "--optimizer", defaultValue = "adam",
            description = "adam, adam-decoupled, adam-independent or sgd (default adam).")
    OptimizerChoice optimizer;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed (default 1).")
    long seed;

    private static double mean(List<Float> losses, int from) {
        return losses.subList(from, losses.size()).stream().mapToDouble(Float::doubleValue).average().orElse(Double.NaN);
    }

    private static final int FEATURES = 64;
    private static final int CLASSES = 10;
    private static final int REPORT_EVERY = 50;

    @Override
    public Integer call() {
        if (widths.isEmpty() || widths.stream().anyMatch(w -> w <= 0)) {
            throw new ParameterException(spec.commandLine(), "--widths must be positive integers, got " + widths);
        }
        if (steps <= 0 || batch <= 0 || !(lr > 0)) {
            throw new ParameterException(
                    spec.commandLine(), "--steps, --batch and --lr must be positive");
        }
        PrintWriter out = spec.commandLine().getOut();
        TeacherTask data = TeacherTask.generate(steps * batch, FEATURES, CLASSES, seed);
        Device device = devices.device();
        Precision precision = devices.precision();
        out.printf("Training the μP MLP %d → width → width → %d on %d synthetic examples,"
                        + " %s lr %s, %d steps of batch %d, at widths %s%s.%n%n",
                FEATURES, CLASSES, data.size(), optimizer, lr, steps, batch, widths,
                precision == Precision.FP32 ? "" : ", in " + precision);
        System.err.printf("demo: training on %s in %s%n", device, precision);
        List<List<Float>> curves = new ArrayList<>();
        for (int width : widths) {
            Engine.getInstance().setRandomSeed((int) seed);
            try (NDManager manager = NDManager.newBaseManager(device)) {
                MlpMuP model = new MlpMuP(MuOptions.defaults(), width, FEATURES, CLASSES);
                model.initialize(manager, DataType.FLOAT32, new Shape(batch, FEATURES));
                if (width == widths.get(widths.size() - 1)) {
                    out.printf("μP table at width %d (base %d), %s:%n", width,
                            model.muParametrization().widths().get("width").base(), optimizer);
                    out.println(dev.mup.runtime.MuParametrization.table(
                            model.muParametrization().report(optimizer.rule(), optimizer.decay())));
                }
                int w = width;
                List<Float> losses = ClassifierTraining.train(
                        model, optimizer.build(model, lr, 0f), data, steps, batch, device, precision,
                        step -> {
                            if (step % REPORT_EVERY == 0) {
                                System.err.printf("  width %d: step %d/%d%n", w, step, steps);
                            }
                        });
                curves.add(losses);
            }
        }
        out.println("Training loss (mean over each window of " + REPORT_EVERY + " steps):");
        String[] header = new String[widths.size() + 1];
        header[0] = "steps";
        for (int i = 0; i < widths.size(); i++) {
            header[i + 1] = "width " + widths.get(i);
        }
        TextTable table = new TextTable(header);
        for (int start = 0; start < steps; start += REPORT_EVERY) {
            int end = Math.min(steps, start + REPORT_EVERY);
            Object[] row = new Object[widths.size() + 1];
            row[0] = (start + 1) + "-" + end;
            for (int i = 0; i < curves.size(); i++) {
                double sum = 0;
                for (int s = start; s < end; s++) {
                    sum += curves.get(i).get(s);
                }
                row[i + 1] = sum / (end - start);
            }
            table.row(row);
        }
        out.print(table);
        out.println();
        int last = (steps - 1) / REPORT_EVERY * REPORT_EVERY;
        boolean widerIsBetter = true;
        for (int i = 1; i < curves.size(); i++) {
            widerIsBetter &= mean(curves.get(i), last) <= mean(curves.get(i - 1), last);
        }
        out.println(widerIsBetter
                ? "With the same hyperparameters, each wider model reached a lower loss in the last"
                        + " window: wider is better, as μP promises."
                : "With the same hyperparameters, a wider model did not reach a lower loss in the"
                        + " last window (try more steps, or check the learning rate).");
        out.flush();
        return 0;
    }
}
