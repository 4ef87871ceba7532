package dev.mup.cli;

import dev.mup.runtime.TextTable;
import com.google.gson.GsonBuilder;
import dev.mup.examples.gpt.CharCorpus;
import dev.mup.workflow.sweep.SweepAnalysis;
import dev.mup.workflow.sweep.SweepSettings;
import dev.mup.examples.sweep.TrialTrainer;
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

    @Option(names = "--text", description = "The sweep's text, for --verify of a GPT sweep.")
    Path text;

    @Override
    public Integer call() throws Exception {
        if (targetWidth <= 0) {
            throw new ParameterException(spec.commandLine(), "--target-width must be positive");
        }
        SweepSettings settings;
        SweepAnalysis analysis;
        try (TrialStore trials = StoreAccess.openExisting(spec.commandLine(), store)) {
            settings = StoreAccess.settings(spec.commandLine(), trials);
            analysis = SweepAnalysis.of(trials.trials());
        }
        int proxy = proxyWidth != null ? proxyWidth : settings.widths().get(0);
        if (!settings.widths().contains(proxy)) {
            throw new ParameterException(spec.commandLine(),
                    "--proxy-width " + proxy + " was not swept; the sweep has widths " + settings.widths());
        }
        if ("gpt".equals(settings.model()) && targetWidth % settings.headSize() != 0) {
            throw new ParameterException(spec.commandLine(),
                    "--target-width must be a multiple of the head size " + settings.headSize());
        }
        CharCorpus corpus = verify ? StoreAccess.corpus(spec.commandLine(), settings, text) : null;
        PrintWriter out = spec.commandLine().getOut();
        List<Map<String, Object>> configs = new ArrayList<>();
        TextTable table = verify
                ? new TextTable("param", "hyperparameters (tuned at width " + proxy + ")", "proxy loss",
                        "target loss (width " + targetWidth + ")")
                : new TextTable("param", "hyperparameters (tuned at width " + proxy + ")", "proxy loss");
        Precision precision = devices.precisionOr(settings.precision());
        TrialTrainer trainer = verify ? new TrialTrainer(settings, corpus, devices.device(), precision) : null;
        for (String param : settings.parametrizations()) {
            SweepAnalysis.Best best = analysis.best(param, proxy).orElse(null);
            if (best == null) {
                out.printf(Locale.ROOT, "%s: no finished trial at width %d yet%n", param, proxy);
                continue;
            }
            Map<String, Object> config = new LinkedHashMap<>();
            config.put("param", param);
            config.put("width", targetWidth);
            config.put("tunedAtWidth", proxy);
            config.put("hyperparameters", best.hyperparameters());
            config.put("proxyValidationLoss", best.loss());
            String name = "mup".equals(param) ? "μP" : "SP";
            if (verify) {
                System.err.printf(Locale.ROOT, "transfer: training %s at width %d on %s in %s...%n",
                        name, targetWidth, devices.device(), precision);
                TrialResult r = trainer.run(new TrialSpec(param, targetWidth, 1, best.hyperparameters()));
                config.put("targetValidationLoss", r.diverged() ? null : r.validLoss());
                if (precision != Precision.FP32) {
                    config.put("targetPrecision", precision.toString());
                }
                config.put("targetDiverged", r.diverged());
                table.row(name, best.hyperparameters(), best.loss(), r.diverged() ? "diverged" : r.validLoss());
            } else {
                table.row(name, best.hyperparameters(), best.loss());
            }
            configs.add(config);
        }
        if (configs.isEmpty()) {
            throw new ParameterException(spec.commandLine(),
                    "No finished trial at width " + proxy + " to transfer from");
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("model", settings.model());
        root.put("targets", configs);
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
