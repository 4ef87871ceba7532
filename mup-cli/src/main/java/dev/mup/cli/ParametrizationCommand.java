package dev.mup.cli;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.mup.runtime.InitMode;
import dev.mup.runtime.MuModel;
import dev.mup.runtime.MuOptions;
import dev.mup.runtime.MuParametrization;
import dev.mup.runtime.ParameterReport;
import dev.mup.runtime.DepthDimension;
import dev.mup.runtime.EpsilonScaling;
import dev.mup.runtime.TextTable;
import dev.mup.runtime.WidthDimension;
import dev.mup.workflow.task.MuTask;
import dev.mup.workflow.task.Tasks;
import java.io.PrintWriter;
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
 * multiplier and learning-rate and weight-decay multipliers (and Adam's ε multiplier when ε is
 * scaled), computed from the generated class; for a model with a depth axis, its depth multiplier
 * and the residual branches' multiplier first.
 */
@Command(
        name = "parametrization",
        mixinStandardHelpOptions = true,
        description = "Print the μP table of a task's model (per parameter: shape, class, init std,"
                + " forward multiplier, lr and weight-decay multipliers; ε multipliers under --epsilon-scaling;"
                + " at --depth and --depth-exponent for a task with a depth axis).")
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
            description = "adam (default), adam-decoupled (adamw), adam-independent, adamw-scaled, sgd,"
                    + " adam-atan2, lion or lion-independent.")
    OptimizerChoice optimizer;

    @Option(
            names = "--init",
            defaultValue = "default",
            description = "default, normal:STD, uniform:BOUND, trunc-normal:STD, xavier-normal,"
                    + " xavier-uniform, kaiming-normal-fan-in, kaiming-normal-fan-out, ...")
    InitMode init;

    @Option(names = "--json", description = "Print one JSON object instead of a table.")
    boolean json;

    @Option(names = "--depth", paramLabel = "L",
            description = "Number of blocks, for a task with a depth axis (default: its base depth).")
    Integer depth;

    @Option(names = "--depth-exponent", defaultValue = "0", paramLabel = "A",
            description = "Depth exponent α: 0 off (default), 0.5 depth-μP, 1 CompleteP.")
    double depthExponent;

    @Option(names = "--epsilon-scaling", paramLabel = "fixed|hidden|global",
            description = "How μP scales Adam's ε: fixed (default: no eps mult column), hidden or global;"
                    + " Adam optimizers only. The table gives ε relative to the global one.")
    String epsilonScaling;

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
        TaskOption.checkDepthExponent(spec.commandLine(), depthExponent);
        EpsilonScaling scaling = EpsilonOption.parseScaling(spec.commandLine(), epsilonScaling);
        if (epsilonScaling != null) {
            EpsilonOption.requireEpsilon(spec.commandLine(), "--epsilon-scaling", optimizer.hasEpsilon(),
                    optimizer.toString());
        }
        MuTask task = tasks.load(spec.commandLine(), aliases);
        TaskOption.checkWidths(spec.commandLine(), task, "--width", List.of(width));
        if (depth != null || depthExponent != 0) {
            TaskOption.requireDepthAxis(spec.commandLine(), task, depth != null ? "--depth" : "--depth-exponent");
        }
        if (depth != null) {
            TaskOption.checkDepths(spec.commandLine(), task, "--depth", List.of(depth), List.of(width));
        }
        MuOptions.Builder options = MuOptions.builder().initMode(init).depthExponent(depthExponent)
                .epsilonScaling(scaling);
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
        String jsonText;
        String depthLine = null;
        try (NDManager manager = NDManager.newBaseManager()) {
            MuModel model = depth != null ? Tasks.model(task, width, depth, options.build())
                    : task.model(width, options.build());
            model.initialize(manager, DataType.FLOAT32, task.inputShapes(1));
            MuParametrization parametrization = model.muParametrization();
            rows = parametrization.report(optimizer.rule(), optimizer.decay());
            jsonText = parametrization.toJson(optimizer.rule(), optimizer.decay());
            if (parametrization.depth().isPresent()) {
                DepthDimension d = parametrization.depth().get();
                depthLine = String.format(java.util.Locale.ROOT,
                        "depth %d (%s, base %d): m_L = %s; residual branches × %s (m_L^-α, α = %s)",
                        d.value(), d.name(), d.base(), TextTable.format(d.multiplier()),
                        TextTable.format(parametrization.residualMultiplier()), TextTable.format(depthExponent));
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(jsonText);
        } else {
            if (depthLine != null) {
                out.println(depthLine);
            }
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
}
