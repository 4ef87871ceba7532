package dev.mup.examples.cli;

import dev.mup.cli.DeviceOption;
import dev.mup.cli.ProgressBar;
import dev.mup.examples.gpt.GptTask;
import dev.mup.examples.gpt.TransferVariant;
import dev.mup.workflow.sweep.SearchSpace;
import dev.mup.workflow.sweep.Sweep;
import dev.mup.workflow.sweep.SweepAnalysis;
import dev.mup.workflow.sweep.SweepSettings;
import dev.mup.workflow.sweep.SweepWorker;
import dev.mup.workflow.sweep.TrialStore;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * The variant report: the GPT learning-rate transfer experiment repeated for each architectural
 * variant of Lingle's study (arXiv 2404.05728), one sweep per variant, each in its own store
 * under {@code --dir} (an interrupted run resumes; finished variants are not trained again),
 * analysed by {@link SweepAnalysis}, printed as one table.
 */
@Command(
        name = "variants",
        mixinStandardHelpOptions = true,
        description = "Learning-rate transfer of the example GPT per architectural variant (Lingle 2024):"
                + " a μP sweep of log2 lr across widths for each variant, plus the default GPT in SP as"
                + " the baseline; one table of the optimum per width, its shift, the transfer regret and"
                + " the verdict. Each variant's trials are kept in DIR/<variant>.db, so a rerun resumes.")
final class VariantsCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Mixin DeviceOption devices;

    @Option(names = "--variants", split = ",",
            description = "Variants to run, in this order (default all): default, rms-norm, rms-norm-no-gain,"
                    + " scalar-gains, swiglu, no-bias, fixed-heads, inverse-sqrt, sp.")
    List<String> variants;

    @Option(names = "--widths", split = ",", defaultValue = "64,128,256",
            description = "Widths (dModel; default 64,128,256; the narrowest is the proxy).")
    List<Integer> widths;

    @Option(names = "--grid", defaultValue = "-12:-5:1",
            description = "The log2 learning rates: a:b:step or v1,v2,... (default -12:-5:1).")
    String grid;

    @Option(names = "--steps", defaultValue = "200", description = "Training steps per trial (default 200).")
    int steps;

    @Option(names = "--seeds", defaultValue = "1", description = "Seeds per point (default 1).")
    int seeds;

    @Option(names = "--batch", description = "Batch size (default: the gpt task's, 8).")
    Integer batch;

    @Option(names = "--text", description = "UTF-8 text to train on (default: the built-in corpus).")
    Path text;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "A setting of the gpt task for every variant (sequence, layers, headSize); the"
                    + " variants themselves set norm, gain, feedForward, bias, heads and attentionScaling.")
    List<String> sets = new ArrayList<>();

    @Option(names = "--optimizer", defaultValue = "adamw", description = "adam, adamw or sgd (default adamw).")
    String optimizer;

    @Option(names = "--beta1", defaultValue = "0.9", description = "Adam β1 (default 0.9).")
    double beta1;

    @Option(names = "--beta2", defaultValue = "0.95", description = "Adam β2 (default 0.95).")
    double beta2;

    @Option(names = "--valid-batches", defaultValue = "8", description = "Batches of validation loss (default 8).")
    int validBatches;

    @Option(names = "--regret-tolerance", defaultValue = "0.01",
            description = "Largest relative transfer regret that still 'transfers' (default 0.01, 1%%).")
    double regretTolerance;

    @Option(names = "--dir", defaultValue = "variants",
            description = "Folder of the stores, one SQLite file per variant (default ./variants).")
    Path dir;

    @Option(names = "--lease", defaultValue = "120",
            description = "Seconds a trial stays claimed without renewal; an interrupted trial is retaken"
                    + " after this (default 120).")
    int leaseSeconds;

    @Option(names = "--json", description = "Also write the report to this JSON file.")
    Path json;

    /** The task settings a variant chooses; --set may not override them. */
    private static final List<String> VARIANT_KEYS =
            List.of("norm", "gain", "feedForward", "bias", "heads", "attentionScaling", "tiedReadout", "text");

    @Override
    public Integer call() throws Exception {
        List<TransferVariant> chosen;
        SearchSpace space;
        Map<String, String> common = new LinkedHashMap<>();
        List<Plan> plans = new ArrayList<>();
        try {
            chosen = variants == null ? TransferVariant.all() : TransferVariant.named(variants);
            space = SearchSpace.grid(List.of("log2Lr=" + grid));
            if (widths.size() < 2) {
                throw new IllegalArgumentException("--widths needs at least two widths to measure a transfer, got "
                        + widths);
            }
            if (leaseSeconds <= 0) {
                throw new IllegalArgumentException("--lease must be positive");
            }
            if (!(regretTolerance >= 0)) {
                throw new IllegalArgumentException("--regret-tolerance must be at least 0");
            }
            if (text != null) {
                common.put("text", text.toString());
            }
            for (String s : sets) {
                int eq = s.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("--set takes KEY=VALUE, got '" + s + "'");
                }
                String key = s.substring(0, eq);
                if (VARIANT_KEYS.contains(key)) {
                    throw new IllegalArgumentException("--set " + key + ": "
                            + ("text".equals(key) ? "use --text" : "the variants choose it; pick them with --variants"));
                }
                common.put(key, s.substring(eq + 1));
            }
            for (TransferVariant v : chosen) {
                GptTask task = new GptTask();
                common.forEach(task::configure);
                v.settings().forEach(task::configure);
                SweepSettings settings = new SweepSettings(task.name(), task.settings(), List.of(v.parametrization()),
                        widths, seeds, steps, batch != null ? batch : task.batchSize(), optimizer, beta1, beta2,
                        task.data(), validBatches, space.describe(), devices.precision());
                settings.check(task);
                plans.add(new Plan(v, task, settings, dir.resolve(v.name() + ".db")));
            }
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        Files.createDirectories(dir);
        List<VariantReport.Row> rows = new ArrayList<>();
        String worker = SweepWorker.defaultWorkerId();
        int i = 0;
        for (Plan p : plans) {
            i++;
            System.err.printf(Locale.ROOT, "variants: [%d/%d] %s (%s, %s), store %s%n", i, plans.size(),
                    p.variant().name(), p.variant().description(), p.variant().parametrization(), p.store());
            ProgressBar bar = new ProgressBar(System.err, System.console() != null);
            SweepAnalysis analysis;
            try (TrialStore store = TrialStore.open("jdbc:sqlite:" + p.store())) {
                try {
                    Sweep.run(store, p.task(), p.settings(), space, worker, Duration.ofSeconds(leaseSeconds),
                            devices.device(), bar);
                } catch (IllegalStateException e) {
                    // a store that holds another sweep: say which and how to start afresh
                    throw new ParameterException(spec.commandLine(), p.store() + ": " + e.getMessage()
                            + " (delete it, or choose another --dir, to run this variant again)");
                } finally {
                    bar.finish();
                }
                analysis = SweepAnalysis.of(store.trials());
            }
            rows.add(new VariantReport.Row(p.variant(), p.store(), p.settings(), analysis));
        }
        VariantReport report = new VariantReport(rows, widths.stream().sorted().toList(), regretTolerance);
        PrintWriter out = spec.commandLine().getOut();
        out.print(report.table());
        out.flush();
        if (json != null) {
            report.writeJson(json);
        }
        return 0;
    }

    private record Plan(TransferVariant variant, GptTask task, SweepSettings settings, Path store) {}
}
