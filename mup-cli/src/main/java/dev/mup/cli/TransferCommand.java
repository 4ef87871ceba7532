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

    @Option(names = "--target-width", required = true, description = "Width to transfer to.")
    int targetWidth;

    @Option(names = "--out", defaultValue = "transfer.json", description = "Target configuration (default transfer.json).")
    Path outFile;

    @Option(names = "--verify", description = "Train the target width with the transferred values,"
            + " on --device, in the sweep's precision unless --precision is given.")
    boolean verify;

    @Mixin TaskOption tasks;

    @Option(names = "--text", description = "--set text=FILE: the sweep's text, for --verify of a task that reads one (gpt).")
    Path text;

    @Mixin EpsilonOption epsilons;

    @Override
    public Integer call() throws Exception {
        if (targetWidth <= 0) {
            throw new ParameterException(spec.commandLine(), "--target-width must be positive");
        }
        if (epsilons.given() && !verify) {
            throw new BadInput(spec.commandLine(), (epsilons.epsilon != null ? "--epsilon" : "--epsilon-scaling")
                    + " sets the ε the target trains with: it needs --verify");
        }
        SweepSettings settings;
        SweepAnalysis analysis;
        try (TrialStore trials = StoreAccess.openExisting(spec.commandLine(), store)) {
            settings = StoreAccess.settings(spec.commandLine(), trials);
            analysis = SweepAnalysis.of(trials.trials());
        }
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
        Precision precision = devices.precisionOr(settings != null ? settings.precision() : Precision.FP32);
        TaskTrialRunner runner = null;
        SweepSettings target = settings;
        if (epsilons.given()) {
            if (settings != null) {
                epsilons.check(spec.commandLine(), SweepSettings.hasEpsilon(settings.optimizer()), settings.optimizer());
                target = settings.withEpsilon(
                        epsilons.scaling != null ? epsilons.scaling(spec.commandLine()) : settings.epsilonScaling(),
                        epsilons.epsilon != null ? epsilons.epsilon(spec.commandLine()) : settings.epsilon());
            }
        }
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
                ? new TextTable("param", "hyperparameters (tuned at width " + proxy + ")", "proxy loss",
                        "target loss (width " + targetWidth + ")")
                : new TextTable("param", "hyperparameters (tuned at width " + proxy + ")", "proxy loss");
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
            config.put("hyperparameters", result.hyperparameters());
            config.put("proxyValidationLoss", result.proxyLoss());
            String name = "mup".equals(result.param()) ? "μP" : "SP";
            TrialResult r = result.target();
            if (r != null) {
                config.put("targetValidationLoss", r.diverged() ? null : r.validLoss());
                if (precision != Precision.FP32) {
                    config.put("targetPrecision", precision.toString());
                }
                config.put("targetDiverged", r.diverged());
                table.row(name, result.hyperparameters(), result.proxyLoss(), r.diverged() ? "diverged" : r.validLoss());
            } else {
                table.row(name, result.hyperparameters(), result.proxyLoss());
            }
            configs.add(config);
        }
        if (configs.isEmpty()) {
            throw new ParameterException(spec.commandLine(),
                    "No finished trial at width " + proxy + " to transfer from");
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("task", settings != null ? settings.task() : null);
        root.put("targets", configs);
        if (target != null) {
            root.put("optimizer", target.optimizer());
            if (SweepSettings.hasEpsilon(target.optimizer())) {
                root.put("epsilon", target.epsilon());
                root.put("epsilonScaling", target.epsilonScaling().name().toLowerCase(Locale.ROOT));
            }
        }
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
