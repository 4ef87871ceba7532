package dev.mup.cli;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.GsonBuilder;
import dev.mup.runtime.InitMode;
import dev.mup.runtime.MuModel;
import dev.mup.runtime.MuOptions;
import dev.mup.runtime.MuParameter;
import dev.mup.runtime.MuParametrization;
import dev.mup.runtime.ParameterReport;
import dev.mup.runtime.ParameterScaling;
import dev.mup.runtime.WidthDimension;
import dev.mup.workflow.task.MuTask;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Prints the μP table of a task's model: every parameter's shape, class, init std, forward
 * multiplier and learning-rate and weight-decay multipliers, computed from the generated class.
 */
@Command(
        name = "parametrization",
        mixinStandardHelpOptions = true,
        description = "Print the μP table of a task's model (per parameter: shape, class, init std,"
                + " forward multiplier, lr and weight-decay multipliers).")
final class ParametrizationCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Mixin TaskOption tasks;

    @Option(names = "--d-in", description = "Input features: --set features=N, for tasks that have it (mlp).")
    Integer dIn;

    @Option(names = "--d-out", description = "Classes: --set classes=N, for tasks that have it (mlp).")
    Integer dOut;

    @Option(names = "--base-width",
            description = "Base width knob (default: the task's); every width of the model scales with it.")
    Integer baseWidth;

    @Option(names = "--width", defaultValue = "4096", description = "Width (default 4096).")
    int width;

    @Option(
            names = "--optimizer",
            defaultValue = "adam",
            description = "adam, adam-decoupled, adam-independent or sgd (default adam).")
    OptimizerChoice optimizer;

    @Option(
            names = "--init",
            defaultValue = "default",
            description = "default, normal:STD, uniform:BOUND, trunc-normal:STD, xavier-normal,"
                    + " xavier-uniform, kaiming-normal-fan-in, kaiming-normal-fan-out, ...")
    InitMode init;

    @Option(names = "--json", description = "Print one JSON object instead of a table.")
    boolean json;

    @Override
    public Integer call() {
        Map<String, String[]> aliases = new LinkedHashMap<>();
        if (dIn != null) {
            requirePositive("--d-in", dIn);
            aliases.put("--d-in", new String[] {"features", String.valueOf(dIn)});
        }
        if (dOut != null) {
            requirePositive("--d-out", dOut);
            aliases.put("--d-out", new String[] {"classes", String.valueOf(dOut)});
        }
        requirePositive("--width", width);
        if (baseWidth != null) {
            requirePositive("--base-width", baseWidth);
        }
        MuTask task = tasks.load(spec.commandLine(), aliases);
        TaskOption.checkWidths(spec.commandLine(), task, "--width", List.of(width));
        MuOptions.Builder options = MuOptions.builder().initMode(init);
        if (baseWidth != null) {
            TaskOption.checkWidths(spec.commandLine(), task, "--base-width", List.of(baseWidth));
            for (WidthDimension d : task.model(task.baseWidth(), MuOptions.defaults())
                    .muParametrization().widths().values()) {
                long scaled = (long) d.base() * baseWidth;
                if (scaled % task.baseWidth() != 0) {
                    throw new ParameterException(spec.commandLine(), "--base-width " + baseWidth + " does not scale "
                            + d.name() + " (base " + d.base() + " at knob " + task.baseWidth() + ") to a whole number");
                }
                options.baseWidth(d.name(), (int) (scaled / task.baseWidth()));
            }
        }
        List<ParameterReport> rows;
        try (NDManager manager = NDManager.newBaseManager()) {
            MuModel model = task.model(width, options.build());
            model.initialize(manager, DataType.FLOAT32, task.inputShapes(1));
            rows = model.muParametrization().report(optimizer.rule(), optimizer.decay());
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(toJson(rows));
        } else {
            out.print(MuParametrization.table(rows));
        }
        out.flush();
        return 0;
    }

    private void requirePositive(String option, int value) {
        if (value <= 0) {
            throw new ParameterException(
                    spec.commandLine(), option + " must be a positive integer, got " + value);
        }
    }

    static String toJson(List<ParameterReport> rows) {
        List<Map<String, Object>> parameters = new ArrayList<>();
        for (ParameterReport r : rows) {
            MuParameter p = r.parameter();
            ParameterScaling s = r.scaling();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", p.name());
            m.put("shape", p.shape());
            m.put("role", p.parameterClass().displayName());
            m.put("initStd", s.initStd());
            m.put("forwardMultiplier", s.forwardMultiplier());
            m.put("lrMultiplier", s.lrMultiplier());
            m.put("weightDecayMultiplier", s.weightDecayMultiplier());
            parameters.add(m);
        }
        return new GsonBuilder().serializeSpecialFloatingPointValues().create()
                .toJson(Map.of("parameters", parameters));
    }
}
