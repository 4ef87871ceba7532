package dev.mup.cli;

import dev.mup.runtime.TextTable;
import com.google.gson.GsonBuilder;
import dev.mup.workflow.sweep.SweepAnalysis;
import dev.mup.workflow.sweep.SweepSettings;
import dev.mup.workflow.sweep.TaskTrialRunner;
import dev.mup.workflow.sweep.Transfer;
import dev.mup.workflow.task.MuTask;
import dev.mup.runtime.precision.Precision;
import dev.mup.workflow.sweep.TrialResult;
import dev.mup.workflow.sweep.TrialSpec;
import dev.mup.workflow.sweep.TrialStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
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
 * μTransfer: takes the best hyperparameters found at the proxy width and writes them as the
 * configuration of the target width; with {@code --verify}, trains the target with them, under
 * μP with the μP-tuned values and under SP with the SP-tuned values, and reports both losses.
 */
@Command(
        name = "transfer",
        mixinStandardHelpOptions = true,
        description = "Copy the best hyperparameters of the proxy width to the target width;"
                + " --verify trains the target under μP and SP with them.")
final class TransferCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Mixin DeviceOption devices;

    @Option(names = "--store", defaultValue = "jdbc:sqlite:sweep.db", description = "The sweep's store.")
    String store;

    @Option(names = "--proxy-width", description = "Width tuned on (default: the narrowest swept).")
    Integer proxyWidth;

    @Option(names = "--target-width", description = "Width to transfer to (required for a sweep over width).")
    Integer targetWidthOption;

    int targetWidth;

    @Option(names = "--proxy-depth", description = "Depth tuned on, for a sweep over depth (default: the shallowest swept).")
    Integer proxyDepth;

    @Option(names = "--target-depth", description = "Depth to transfer to, at the sweep's width (required for a"
            + " sweep over depth).")
    Integer targetDepth;

    @Option(names = "--depth-exponent", paramLabel = "A", description = "The depth exponent α the target trains"
            + " with; it must be the sweep's own (stored with it), which is the default.")
    Double depthExponent;

    @Option(names = "--out", defaultValue = "transfer.json", description = "Target configuration (default transfer.json).")
    Path outFile;

    @Option(names = "--verify", description = "Train the target width with the transferred values,"
            + " on --device, in the sweep's precision unless --precision is given.")
    boolean verify;

    @Mixin TaskOption tasks;

    @Option(names = "--text", description = "--set text=FILE: the sweep's text, for --verify of a task that reads one (gpt).")
    Path text;

    @Mixin EpsilonOption epsilons;

    @Mixin MetricOption metrics;

    /** Where the sweep's two losses put an optimum apart (warned about at the proxy). */
    private List<SweepAnalysis.Disagreement> disagreements = List.of();

    @Override
    public Integer call() throws Exception {
        if (targetWidthOption != null && targetWidthOption <= 0) {
            throw new ParameterException(spec.commandLine(), "--target-width must be positive");
        }
        if (epsilons.given() && !verify) {
            throw new BadInput(spec.commandLine(), (epsilons.epsilon != null ? "--epsilon" : "--epsilon-scaling")
                    + " sets the ε the target trains with: it needs --verify");
        }
        if (targetDepth != null && targetDepth <= 0) {
            throw new BadInput(spec.commandLine(), "--target-depth must be positive, got " + targetDepth);
        }
        if (proxyDepth != null && proxyDepth <= 0) {
            throw new BadInput(spec.commandLine(), "--proxy-depth must be positive, got " + proxyDepth);
        }
        SweepSettings settings;
        SweepAnalysis analysis;
        try (TrialStore trials = StoreAccess.openExisting(spec.commandLine(), store)) {
            settings = StoreAccess.settings(spec.commandLine(), trials);
            try {
                SweepAnalysis.Metric metric = metrics.metric(spec.commandLine());
                analysis = SweepAnalysis.of(trials.trials(), metric);
                disagreements = analysis.optimaApart(SweepAnalysis.of(trials.trials(), metric.other()),
                        ReportCommand.METRIC_DISAGREEMENT_STEPS);
            } catch (IllegalArgumentException e) {
                throw new BadInput(spec.commandLine(), store + ": " + TaskOption.oneLine(e));
            }
        }
        double alpha = settings != null ? settings.depthExponent() : 0;
        if (depthExponent != null && Double.compare(depthExponent, alpha) != 0) {
            throw new BadInput(spec.commandLine(), "--depth-exponent " + depthExponent + " is not the sweep's ("
                    + alpha + "): the transferred values were tuned with α = " + alpha + "; omit the option");
        }
        SweepSettings target = settings;
        if (epsilons.given()) {
            if (settings != null) {
                epsilons.check(spec.commandLine(), SweepSettings.hasEpsilon(settings.optimizer()), settings.optimizer());
                target = settings.withEpsilon(
                        epsilons.scaling != null ? epsilons.scaling(spec.commandLine()) : settings.epsilonScaling(),
                        epsilons.epsilon != null ? epsilons.epsilon(spec.commandLine()) : settings.epsilon());
            }
        }
        if (SweepAnalysis.DEPTH.equals(analysis.axis())) {
            return overDepth(settings, target, analysis);
        }
        if (targetDepth != null || proxyDepth != null) {
            throw new BadInput(spec.commandLine(), "--target-depth and --proxy-depth need a sweep over depth"
                    + " (sweep --depths); " + store + " varied width");
        }
        if (targetWidthOption == null) {
            throw new BadInput(spec.commandLine(), "Missing required option: '--target-width'");
        }
        targetWidth = targetWidthOption;
        List<Integer> swept = settings != null ? settings.widths()
                : analysis.parametrizations().stream().flatMap(p -> analysis.widths(p).stream())
                        .distinct().sorted().toList();
        if (swept.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "No finished trial in " + store + " to transfer from");
        }
        int proxy = proxyWidth != null ? proxyWidth : swept.get(0);
        if (!swept.contains(proxy)) {
            throw new ParameterException(spec.commandLine(),
                    "--proxy-width " + proxy + " was not swept; the sweep has widths " + swept);
        }
        List<String> params = settings != null ? settings.parametrizations() : analysis.parametrizations();
        PrintWriter out = spec.commandLine().getOut();
        warnAtProxy(out, analysis, proxy);
        Precision precision = devices.precisionOr(settings != null ? settings.precision() : Precision.FP32);
        TaskTrialRunner runner = null;
        if (verify) {
            if (settings == null) {
                throw new BadInput(spec.commandLine(), "--verify needs a sweep whose definition names its"
                        + " task (one written by the sweep command or dev.mup.workflow.sweep.Sweep); " + store
                        + " holds another");
            }
            Map<String, String[]> aliases = new LinkedHashMap<>();
            if (text != null) {
                aliases.put("--text", new String[] {"text", text.toString()});
            }
            MuTask task = StoreAccess.task(spec.commandLine(), settings, tasks, aliases);
            TaskOption.checkWidths(spec.commandLine(), task, "--target-width", List.of(targetWidth));
            runner = new TaskTrialRunner(task, target, devices.device(), precision);
        }
        List<Transfer.Result> results = Transfer.run(analysis, params, proxy, targetWidth, runner,
                (param, width) -> System.err.printf(Locale.ROOT, "transfer: training %s at width %d on %s in %s...%n",
                        "mup".equals(param) ? "μP" : "SP", width, devices.device(), precision));
        List<Map<String, Object>> configs = new ArrayList<>();
        TextTable table = verify
                ? new TextTable("param", "hyperparameters (tuned at width " + proxy + ")",
                        "proxy " + analysis.metric().label(), "target " + analysis.metric().label()
                                + " (width " + targetWidth + ")")
                : new TextTable("param", "hyperparameters (tuned at width " + proxy + ")",
                        "proxy " + analysis.metric().label());
        for (String param : params) {
            if (results.stream().noneMatch(r -> r.param().equals(param))) {
                out.printf(Locale.ROOT, "%s: no finished trial at width %d yet%n", param, proxy);
            }
        }
        for (Transfer.Result result : results) {
            Map<String, Object> config = new LinkedHashMap<>();
            config.put("param", result.param());
            config.put("width", targetWidth);
            config.put("tunedAtWidth", proxy);
            configs.add(outcome(result, config, table, precision, analysis.metric()));
        }
        if (configs.isEmpty()) {
            throw new ParameterException(spec.commandLine(),
                    "No finished trial at width " + proxy + " to transfer from");
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("task", settings != null ? settings.task() : null);
        root.put("metric", analysis.metric().key());
        root.put("targets", configs);
        putOptimizer(root, target);
        return write(root, table, out);
    }

    /** Transfer along depth: proxy and target are depths at the sweep's one width. */
    private Integer overDepth(SweepSettings settings, SweepSettings target, SweepAnalysis analysis) throws Exception {
        if (targetDepth == null) {
            throw new BadInput(spec.commandLine(), "The sweep in " + store + " varied depth: give --target-depth"
                    + " (and --proxy-depth to tune elsewhere than the shallowest depth)");
        }
        if (proxyWidth != null) {
            throw new BadInput(spec.commandLine(), "--proxy-width does not apply to a sweep over depth; use --proxy-depth");
        }
        if (settings == null) {
            throw new BadInput(spec.commandLine(), "a transfer along depth needs the sweep's definition (its width"
                    + " and α); " + store + " holds another");
        }
        List<String> params = settings.parametrizations();
        List<Integer> swept = settings.depths();
        int width = settings.widths().get(0);
        if (targetWidthOption != null && targetWidthOption != width) {
            throw new BadInput(spec.commandLine(), "The sweep varied depth at width " + width
                    + ": a transfer along depth keeps it (omit --target-width or give " + width + ")");
        }
        int proxy = proxyDepth != null ? proxyDepth : swept.get(0);
        if (!swept.contains(proxy)) {
            throw new BadInput(spec.commandLine(), "--proxy-depth " + proxy + " was not swept; the sweep has depths "
                    + swept);
        }
        PrintWriter out = spec.commandLine().getOut();
        warnAtProxy(out, analysis, proxy);
        Precision precision = devices.precisionOr(settings.precision());
        TaskTrialRunner runner = null;
        if (verify) {
            Map<String, String[]> aliases = new LinkedHashMap<>();
            if (text != null) {
                aliases.put("--text", new String[] {"text", text.toString()});
            }
            MuTask task = StoreAccess.task(spec.commandLine(), settings, tasks, aliases);
            TaskOption.checkDepths(spec.commandLine(), task, "--target-depth", List.of(targetDepth), List.of(width));
            runner = new TaskTrialRunner(task, target, devices.device(), precision);
        }
        List<Transfer.Result> results = Transfer.runOverDepth(analysis, params, width, proxy, targetDepth, runner,
                (param, depth) -> System.err.printf(Locale.ROOT, "transfer: training %s at depth %d on %s in %s...%n",
                        "mup".equals(param) ? "μP" : "SP", depth, devices.device(), precision));
        if (results.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "No finished trial at depth " + proxy + " to transfer from");
        }
        TextTable table = verify
                ? new TextTable("param", "hyperparameters (tuned at depth " + proxy + ")",
                        "proxy " + analysis.metric().label(), "target " + analysis.metric().label()
                                + " (depth " + targetDepth + ")")
                : new TextTable("param", "hyperparameters (tuned at depth " + proxy + ")",
                        "proxy " + analysis.metric().label());
        List<Map<String, Object>> configs = new ArrayList<>();
        for (Transfer.Result result : results) {
            Map<String, Object> config = new LinkedHashMap<>();
            config.put("param", result.param());
            config.put("width", width);
            config.put("depth", targetDepth);
            config.put("tunedAtDepth", proxy);
            config.put("depthExponent", settings.depthExponent());
            configs.add(outcome(result, config, table, precision, analysis.metric()));
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("task", settings.task());
        root.put("metric", analysis.metric().key());
        root.put("targets", configs);
        putOptimizer(root, target);
        return write(root, table, out);
    }

    /**
     * Warns, before copying, when the two losses put the proxy's optimum apart: the copied values
     * then depend on which loss is read ({@code --metric}).
     */
    private void warnAtProxy(PrintWriter out, SweepAnalysis analysis, int proxy) {
        out.print(ReportCommand.disagreementText(analysis,
                disagreements.stream().filter(d -> d.width() == proxy).toList()));
    }

    /** Writes the optimizer the targets train with, and its ε where it has one. */
    private static void putOptimizer(Map<String, Object> root, SweepSettings target) {
        if (target != null) {
            root.put("optimizer", target.optimizer());
            if (SweepSettings.hasEpsilon(target.optimizer())) {
                root.put("epsilon", target.epsilon());
                root.put("epsilonScaling", target.epsilonScaling().name().toLowerCase(Locale.ROOT));
            }
        }
    }

    /**
     * Completes a target's entry and its table row: the hyperparameters, the proxy's loss and,
     * when the target was trained, its loss (both on the sweep's metric: {@code proxyValidationLoss}
     * or {@code proxyTrainingLoss}, and the same for the target).
     */
    private static Map<String, Object> outcome(Transfer.Result result, Map<String, Object> config, TextTable table,
            Precision precision, SweepAnalysis.Metric metric) {
        String lossKey = metric == SweepAnalysis.Metric.TRAINING ? "TrainingLoss" : "ValidationLoss";
        config.put("hyperparameters", result.hyperparameters());
        config.put("proxy" + lossKey, result.proxyLoss());
        String name = "mup".equals(result.param()) ? "μP" : "SP";
        TrialResult r = result.target();
        if (r != null) {
            config.put("target" + lossKey, r.diverged() ? null : metric.loss(r));
            if (precision != Precision.FP32) {
                config.put("targetPrecision", precision.toString());
            }
            config.put("targetDiverged", r.diverged());
            table.row(name, result.hyperparameters(), result.proxyLoss(), r.diverged() ? "diverged" : metric.loss(r));
        } else {
            table.row(name, result.hyperparameters(), result.proxyLoss());
        }
        return config;
    }

    /** Writes the transfer's JSON to {@code --out} and prints its table. */
    private Integer write(Map<String, Object> root, TextTable table, PrintWriter out) throws IOException {
        Path parent = outFile.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(outFile, new GsonBuilder().setPrettyPrinting().serializeNulls().create().toJson(root));
        out.print(table);
        out.printf(Locale.ROOT, "Wrote %s%n", outFile);
        out.flush();
        return 0;
    }
}
