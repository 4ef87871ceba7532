package dev.mup.cli;

import dev.mup.runtime.MuOptions;
import dev.mup.runtime.Parametrization;
import dev.mup.runtime.TextTable;
import dev.mup.runtime.coord.CoordinateCheck;
import dev.mup.runtime.coord.CoordinateCheckResult;
import dev.mup.runtime.precision.Precision;
import dev.mup.workflow.coord.CoordinateCheckPlot;
import dev.mup.workflow.coord.CoordinateCheckReport;
import dev.mup.workflow.coord.TaskCoordinateCheck;
import dev.mup.workflow.task.MuTask;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Runs a coordinate check of a task and prints, writes and plots it: the test that
 * tells μP from a parametrization whose activations blow up with width.
 */
@Command(
        name = "coord-check",
        mixinStandardHelpOptions = true,
        description = "Coordinate check: train each width a few steps and record every layer's mean"
                + " |activation|; flat in width under μP, growing under SP.")
final class CoordCheckCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Mixin DeviceOption devices;

    @Mixin TaskOption tasks;

    @Option(names = "--param", defaultValue = "mup", description = "mup or sp.")
    String param;

    @Option(names = "--widths", split = ",", defaultValue = "64,128,256,512,1024",
            description = "Widths (default 64,128,256,512,1024).")
    List<Integer> widths;

    @Option(names = "--steps", defaultValue = "4", description = "Steps T (default 4).")
    int steps;

    @Option(names = "--lr", defaultValue = "0.01", description = "Learning rate (default 0.01).")
    float lr;

    @Option(names = "--optimizer", defaultValue = "adam",
            description = "adam, sgd, adam-atan2, lion (or lion-independent); the adam-decoupled and"
                    + " adam-independent weight-decay variants train as adam here (no weight decay).")
    OptimizerChoice optimizer;

    @Option(names = "--seeds", defaultValue = "3", description = "Seeds averaged over (default 3).")
    int seeds;

    @Option(names = "--batch", description = "Batch size (default: the task's).")
    Integer batch;

    @Option(names = "--text", description = "UTF-8 text to train on: --set text=FILE, for tasks that read one (gpt).")
    Path text;

    @Option(names = "--tied-readout",
            description = "--set tiedReadout=true, for tasks that have it (gpt: tie the readout to the token embedding).")
    boolean tiedReadout;

    @Option(names = "--json", description = "Write the records to this JSON file.")
    Path json;

    @Option(names = "--plot", description = "Draw the check to this PNG file.")
    Path plot;

    @Mixin EpsilonOption epsilons;

    @Option(names = "--epsilon-probe", arity = "0..1", fallbackValue = "10", paramLabel = "K",
            description = "Also print, per width and step, the fraction of hidden-weight entries whose Adam"
                    + " √v̂ is below K·ε (K = 10 when not given); Adam optimizers only.")
    Double epsilonProbe;

    @Option(names = "--epsilon-probe-plot", paramLabel = "FILE",
            description = "Draw the ε probe (fraction per width, one line per step) to this PNG file; needs --epsilon-probe.")
    Path epsilonProbePlot;

    @Option(names = "--depths", split = ",", paramLabel = "D1,D2,...",
            description = "Vary depth (number of blocks) at one width instead of width: at least two depths,"
                    + " with one --widths value (default: the task's base width). Tasks with a depth axis only (gpt).")
    List<Integer> depths = new ArrayList<>();

    @Option(names = "--depth-exponent", defaultValue = "0", paramLabel = "A",
            description = "Depth exponent α: 0 off (default), 0.5 depth-μP, 1 CompleteP.")
    double depthExponent;

    @Override
    public Integer call() throws IOException {
        Map<String, String[]> aliases = new LinkedHashMap<>();
        if (text != null) {
            aliases.put("--text", new String[] {"text", text.toString()});
        }
        if (tiedReadout) {
            aliases.put("--tied-readout", new String[] {"tiedReadout", "true"});
        }
        MuTask task = tasks.load(spec.commandLine(), aliases);
        Parametrization parametrization = parseParam();
        TaskOption.checkDepthExponent(spec.commandLine(), depthExponent);
        if (depthExponent != 0) {
            TaskOption.requireDepthAxis(spec.commandLine(), task, "--depth-exponent");
        }
        if (!depths.isEmpty()) {
            if (!spec.commandLine().getParseResult().hasMatchedOption("--widths")) {
                widths = List.of(task.baseWidth()); // depth varies at one width: the base, unless given
            }
            if (depths.size() < 2 || depths.stream().anyMatch(d -> d <= 0)) {
                throw new BadInput(spec.commandLine(), "--depths needs at least two positive integers, got " + depths);
            }
            TaskOption.checkDepths(spec.commandLine(), task, "--depths", depths, widths);
        } else if (widths.size() < 2 || widths.stream().anyMatch(w -> w <= 0)) {
            throw new ParameterException(spec.commandLine(),
                    "--widths needs at least two positive integers, got " + widths);
        }
        if (widths.stream().distinct().count() != widths.size()) {
            throw new ParameterException(spec.commandLine(), "--widths must be distinct, got " + widths);
        }
        TaskOption.checkWidths(spec.commandLine(), task, "--widths", widths);
        if (steps <= 0 || seeds <= 0 || !(lr > 0) || Float.isInfinite(lr) || (batch != null && batch <= 0)) {
            throw new ParameterException(spec.commandLine(),
                    "--steps, --seeds, --batch and --lr must be positive");
        }
        epsilons.check(spec.commandLine(), optimizer.hasEpsilon(), optimizer.toString());
        if (epsilonProbePlot != null && epsilonProbe == null) {
            throw new BadInput(spec.commandLine(), "--epsilon-probe-plot draws the ε probe: add --epsilon-probe");
        }
        if (epsilonProbe != null) {
            if (!(epsilonProbe > 0) || Double.isInfinite(epsilonProbe)) {
                throw new BadInput(spec.commandLine(), "--epsilon-probe K must be a positive number, got "
                        + epsilonProbe);
            }
            if (!optimizer.hasEpsilon()) {
                throw new BadInput(spec.commandLine(), "--epsilon-probe reads Adam's √v̂ and ε: use --optimizer"
                        + " adam (" + optimizer + (optimizer == OptimizerChoice.ADAM_ATAN2 ? " has no ε)"
                                : " adds no ε)"));
            }
        }
        MuOptions options = MuOptions.builder().parametrization(parametrization)
                .epsilonScaling(epsilons.scaling(spec.commandLine())).depthExponent(depthExponent).build();
        TaskCoordinateCheck.Builder configured = TaskCoordinateCheck.builder(task)
                .options(options)
                .optimizer(optimizer.rule())
                .learningRate(lr)
                .steps(steps)
                .seeds(seeds)
                .device(devices.device())
                .precision(devices.precision())
                .optimizers(m -> optimizer.build(m, lr, 0f, epsilons.epsilon));
        if (epsilonProbe != null) {
            configured.epsilonProbe(epsilonProbe);
        }
        if (batch != null) {
            configured.batch(batch);
        }
        if (depths.isEmpty()) {
            configured.widths(widths);
        } else {
            try {
                configured.depths(widths.get(0), depths);
            } catch (IllegalArgumentException e) {
                throw new BadInput(spec.commandLine(), "--depths: " + TaskOption.oneLine(e));
            }
        }
        CoordinateCheck check = configured.build();
        System.err.printf(Locale.ROOT, "coord-check: training on %s in %s%n", check.device(), check.precision());
        CoordinateCheckResult result = check.run((done, total) ->
                System.err.printf(Locale.ROOT, "coord-check: %d/%d runs%n", done, total));

        String title = parametrization.name().replace("MUP", "μP") + " " + task.name() + " (" + task.data() + "), "
                + optimizer + " lr " + lr + (check.precision() == Precision.FP32 ? "" : ", " + check.precision())
                + (depths.isEmpty() ? "" : ", width " + widths.get(0))
                + (depthExponent != 0 || !depths.isEmpty() ? ", α = " + TextTable.format(depthExponent) : "")
                + (epsilons.given() ? ", ε " + epsilons.epsilon(spec.commandLine()) + " "
                        + epsilons.scaling(spec.commandLine()).name().toLowerCase(Locale.ROOT) : "");
        CoordinateCheckResult probed = result;
        result = CoordinateCheckReport.activations(result);
        PrintWriter out = spec.commandLine().getOut();
        out.print(CoordinateCheckReport.table(result, title));
        if (epsilonProbe != null) {
            out.print(CoordinateCheckReport.epsilonProbeTable(probed, epsilonProbe));
        }
        out.flush();
        if (json != null) {
            if (epsilonProbe != null) {
                CoordinateCheckReport.writeJson(probed, epsilonProbe, json);
            } else {
                CoordinateCheckReport.writeJson(result, json);
            }
        }
        if (plot != null) {
            CoordinateCheckPlot.write(result, title, plot);
        }
        if (epsilonProbePlot != null) {
            CoordinateCheckPlot.writeEpsilonProbe(probed, epsilonProbe, "ε probe: " + title, epsilonProbePlot);
        }
        return 0;
    }

    private Parametrization parseParam() {
        switch (param.toLowerCase(Locale.ROOT)) {
            case "mup":
                return Parametrization.MUP;
            case "sp":
                return Parametrization.SP;
            default:
                throw new ParameterException(spec.commandLine(),
                        "Unknown --param '" + param + "': use mup or sp");
        }
    }
}
