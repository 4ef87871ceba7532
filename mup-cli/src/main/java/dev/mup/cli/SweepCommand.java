package dev.mup.cli;

import dev.mup.examples.gpt.CharCorpus;

import dev.mup.workflow.sweep.SearchSpace;
import dev.mup.workflow.sweep.SweepSettings;
import dev.mup.examples.sweep.TrialTrainer;
import dev.mup.workflow.sweep.SweepProgress;
import dev.mup.workflow.sweep.SweepWorker;
import dev.mup.workflow.sweep.TrialSpec;
import dev.mup.workflow.sweep.TrialStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SortedMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Runs a hyperparameter sweep, or joins one: every worker that runs the same command against the
 * same store claims trials from it until all are done. Interrupted, it picks up where it stopped.
 */
@Command(
        name = "sweep",
        mixinStandardHelpOptions = true,
        description = "Grid or random search over hyperparameters × widths × seeds, for μP and/or SP;"
                + " trials are kept in a JDBC store that any number of workers share.")
final class SweepCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Mixin DeviceOption devices;

    @Option(names = "--model", defaultValue = "mlp", description = "mlp (built-in data) or gpt (--text).")
    String model;

    @Option(names = "--param", split = ",", defaultValue = "mup,sp", description = "mup, sp or both (default mup,sp).")
    List<String> params;

    @Option(names = "--widths", split = ",", defaultValue = "64,128,256,512", description = "Widths (default 64,128,256,512).")
    List<Integer> widths;

    @Option(names = "--seeds", defaultValue = "1", description = "Seeds per point (default 1).")
    int seeds;

    @Option(names = "--steps", defaultValue = "200", description = "Training steps per trial (default 200).")
    int steps;

    @Option(names = "--batch", defaultValue = "16", description = "Batch size (default 16).")
    int batch;

    @Option(names = "--sequence", defaultValue = "64", description = "GPT sequence length (default 64).")
    int sequence;

    @Option(names = "--layers", defaultValue = "2", description = "GPT blocks (default 2).")
    int layers;

    @Option(names = "--head-size", defaultValue = "32", description = "GPT head size (default 32).")
    int headSize;

    @Option(names = "--optimizer", defaultValue = "adamw", description = "adam, adamw or sgd (default adamw).")
    String optimizer;

    @Option(names = "--beta1", defaultValue = "0.9", description = "Adam β1, SGD momentum (default 0.9).")
    double beta1;

    @Option(names = "--beta2", defaultValue = "0.95", description = "Adam β2 (default 0.95).")
    double beta2;

    @Option(names = "--text", description = "UTF-8 text for the GPT (default: the built-in corpus).")
    Path text;

    @Option(names = "--valid-batches", defaultValue = "8", description = "Batches of validation loss (default 8).")
    int validBatches;

    @Option(names = "--grid", description = "A grid axis, repeatable: name=a:b:step, name=v1,v2 or name=v."
            + " Names: log2Lr, initStd, outputMultiplier, attentionMultiplier, warmupSteps, weightDecay.")
    List<String> grid = new ArrayList<>();

    @Option(names = "--random", description = "Random search: this many points from the --range entries.")
    Integer random;

    @Option(names = "--range", description = "A random-search range, repeatable: name=lo:hi.")
    List<String> ranges = new ArrayList<>();

    @Option(names = "--random-seed", defaultValue = "1", description = "Seed of the random points (default 1).")
    long randomSeed;

    @Option(names = "--store", defaultValue = "jdbc:sqlite:sweep.db",
            description = "JDBC URL of the trial store: jdbc:sqlite:FILE (default jdbc:sqlite:sweep.db)"
                    + " or jdbc:postgresql://host/db?user=...")
    String store;

    @Option(names = "--worker", description = "This worker's name in the store (default host:pid).")
    String worker;

    @Option(names = "--lease", defaultValue = "300",
            description = "Seconds a claimed trial stays this worker's without renewal (default 300).")
    int leaseSeconds;

    @Override
    public Integer call() throws Exception {
        SearchSpace space;
        SweepSettings settings;
        CharCorpus corpus = null;
        try {
            if (random != null && !grid.isEmpty()) {
                throw new IllegalArgumentException("Use --grid or --random with --range, not both");
            }
            space = random != null ? SearchSpace.random(random, ranges, randomSeed) : SearchSpace.grid(grid);
            if (random == null && !ranges.isEmpty()) {
                throw new IllegalArgumentException("--range applies to --random searches");
            }
            if (leaseSeconds <= 0) {
                throw new IllegalArgumentException("--lease must be positive");
            }
            String data = "teacher task";
            if ("gpt".equals(model)) {
                corpus = TextOption.corpus(spec.commandLine(), text);
                data = corpus.describe();
            } else if (text != null) {
                throw new IllegalArgumentException("--text applies to the gpt model, not " + model);
            }
            settings = new SweepSettings(model, params, widths, seeds, steps, batch, sequence, layers,
                    headSize, optimizer, beta1, beta2, data, validBatches, space.describe(), devices.precision());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        List<TrialSpec> trials = trials(settings, space.points());
        String name = worker != null ? worker : defaultWorker();
        TrialTrainer trainer = new TrialTrainer(settings, corpus, devices.device(), settings.precision());
        System.err.printf(Locale.ROOT, "sweep: training on %s in %s%n", devices.device(), settings.precision());
        ProgressBar bar = new ProgressBar(System.err, System.console() != null);
        int finished;
        SweepProgress progress;
        TrialStore opened;
        try {
            opened = TrialStore.open(store);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        try (TrialStore trialStore = opened) {
            trialStore.initialize(settings.toJson(), trials);
            finished = new SweepWorker(trialStore, name, Duration.ofSeconds(leaseSeconds), trainer, bar).run();
            progress = trialStore.progress();
        } finally {
            bar.finish();
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "Sweep done: %d trials (%d diverged) in %s; this worker ran %d.%n"
                        + "See the result with: java -jar examples/target/mup-examples.jar report --store %s%n",
                progress.total(), progress.diverged(), store, finished, store);
        out.flush();
        return 0;
    }

    /**
     * The trials of a sweep in the order workers claim them: narrow widths first (cheap, and
     * enough for a first look), then each parametrization, point and seed.
     */
    static List<TrialSpec> trials(SweepSettings settings, List<SortedMap<String, Double>> points) {
        List<TrialSpec> trials = new ArrayList<>();
        for (int width : settings.widths()) {
            for (String param : settings.parametrizations()) {
                for (SortedMap<String, Double> point : points) {
                    for (int seed = 1; seed <= settings.seeds(); seed++) {
                        trials.add(new TrialSpec(param, width, seed, point));
                    }
                }
            }
        }
        return trials;
    }

    private static String defaultWorker() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "localhost";
        }
        return host + ":" + ManagementFactory.getRuntimeMXBean().getPid();
    }
}
