package dev.mup.cli;

import dev.mup.runtime.TextTable;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.GsonBuilder;
import dev.mup.examples.mlp.MlpMuP;
import dev.mup.runtime.InitMode;
import dev.mup.runtime.MuOptions;
import dev.mup.runtime.MuParameter;
import dev.mup.runtime.ParameterReport;
import dev.mup.runtime.ParameterScaling;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Prints the μP table of an example model: every parameter's shape, class, init std, forward
 * multiplier and learning-rate and weight-decay multipliers, computed from the generated class.
 */
@Command(
        name = "parametrization",
        mixinStandardHelpOptions = true,
        description = "Print the μP table of an example model (per parameter: shape, class, init std,"
                + " forward multiplier, lr and weight-decay multipliers).")
final class ParametrizationCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(names = "--model", defaultValue = "mlp", description = "Example model: mlp (default).")
    String model;

    @Option(names = "--d-in", defaultValue = "3072", description = "Input features (default 3072).")
    int dIn;

    @Option(names = "--d-out", defaultValue = "10", description = "Classes (default 10).")
    int dOut;

    @Option(names = "--base-width", description = "Base width (default: the model's @Width base, 64).")
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
        if (!"mlp".equals(model)) {
            throw new ParameterException(spec.commandLine(), "Unknown --model '" + model + "': use mlp");
        }
        requirePositive("--d-in", dIn);
        requirePositive("--d-out", dOut);
        requirePositive("--width", width);
        MuOptions.Builder options = MuOptions.builder().initMode(init);
        if (baseWidth != null) {
            requirePositive("--base-width", baseWidth);
            options.baseWidth("width", baseWidth);
        }
        List<ParameterReport> rows;
        try (NDManager manager = NDManager.newBaseManager()) {
            MlpMuP mlp = new MlpMuP(options.build(), width, dIn, dOut);
            mlp.initialize(manager, DataType.FLOAT32, new Shape(1, dIn));
            rows = mlp.muParametrization().report(optimizer.rule(), optimizer.decay());
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(toJson(rows));
        } else {
            out.print(toTable(rows));
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

    static String toTable(List<ParameterReport> rows) {
        TextTable table =
                new TextTable("parameter", "shape", "class", "init std", "forward", "lr mult", "wd mult");
        for (ParameterReport r : rows) {
            MuParameter p = r.parameter();
            ParameterScaling s = r.scaling();
            table.row(
                    p.name(),
                    p.shape().toString().replace(" ", ""),
                    p.parameterClass(),
                    s.initStd(),
                    s.forwardMultiplier(),
                    s.lrMultiplier(),
                    s.weightDecayMultiplier());
        }
        return table.toString();
    }
}
