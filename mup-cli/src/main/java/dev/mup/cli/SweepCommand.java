package dev.mup.cli;


import dev.mup.workflow.sweep.SearchSpace;
import dev.mup.workflow.sweep.SweepSettings;
import dev.mup.workflow.sweep.Sweep;
import dev.mup.workflow.task.MuTask;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    @Mixin TaskOption tasks;

    @Option(names = "--param", split = ",", defaultValue = "mup,sp", description = "mup, sp or both (default mup,sp).")
    List<String> params;

    @Option(names = "--widths", split = ",", defaultValue = "64,128,256,512", description = "Widths (default 64,128,256,512).")
    List<Integer> widths;

    @Option(names = "--seeds", defaultValue = "1", description = "Seeds per point (default 1).")
    int seeds;

    @Option(names = "--steps", defaultValue = "200", description = "Training steps per trial (default 200).")
    int steps;

    @Option(names = "--batch", description = "Batch size (default: the task's).")
    Integer batch;

    @Option(names = "--sequence", description = "--set sequence=N, for tasks that have it (gpt).")
    Integer sequence;

    @Option(names = "--layers", description = "--set layers=N, for tasks that have it (gpt).")
    Integer layers;

    @Option(names = "--head-size", description = "--set headSize=N, for tasks that have it (gpt).")
    Integer headSize;

    @Option(names = "--optimizer", defaultValue = "adamw", description = "adam, adamw, sgd, adamw-scaled"
            + " (AdamW with λ·m_N on hidden matrices, as CompleteP and Megatron-LM), adam-atan2 (decoupled"
            + " weight decay), lion (decoupled weight decay) or lion-independent (default adamw).")
    String optimizer;

    @Option(names = "--beta1", defaultValue = "0.9", description = "Adam β1, SGD momentum (default 0.9).")
    double beta1;

    @Option(names = "--beta2", defaultValue = "0.95", description = "Adam β2 (default 0.95). With lion: the decay"
            + " of Lion's momentum (the Lion paper's 0.99), and --beta1 the gradient's weight against it in the sign.")
    double beta2;

    @Option(names = "--text", description = "--set text=FILE, for tasks that read a text (gpt).")
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

    @Option(names = "--parallel", defaultValue = "1",
            description = "Trials this worker trains at once, each with its share of the engine's threads (default 1).")
    int parallel;

    @Mixin EpsilonOption epsilons;

    @Option(names = "--depths", split = ",", paramLabel = "D1,D2,...",
            description = "Vary depth (number of blocks) at the one width of --widths instead of width;"
                    + " the smallest depth is the proxy. Tasks with a depth axis only (gpt).")
    List<Integer> depths = new ArrayList<>();

    @Option(names = "--depth-exponent", defaultValue = "0", paramLabel = "A",
            description = "Depth exponent α of every trial: 0 off (default), 0.5 depth-μP, 1 CompleteP.")
    double depthExponent;

    @Override
    public Integer call() throws Exception {
        Map<String, String[]> aliases = new LinkedHashMap<>();
        alias(aliases, "--sequence", "sequence", sequence);
        alias(aliases, "--layers", "layers", layers);
        alias(aliases, "--head-size", "headSize", headSize);
        if (text != null) {
            aliases.put("--text", new String[] {"text", text.toString()});
        }
        MuTask task = tasks.load(spec.commandLine(), aliases);
        if (!depths.isEmpty() && !spec.commandLine().getParseResult().hasMatchedOption("--widths")) {
            widths = List.of(task.baseWidth()); // a sweep over depth runs at one width: the base, unless given
        }
        TaskOption.checkDepthExponent(spec.commandLine(), depthExponent);
        if (!depths.isEmpty()) {
            if (depths.stream().anyMatch(d -> d <= 0) || depths.stream().distinct().count() != depths.size()) {
                throw new BadInput(spec.commandLine(), "--depths must be distinct positive integers, got " + depths);
            }
            if (widths.size() != 1) {
                throw new BadInput(spec.commandLine(), "--depths varies depth at one fixed width: give exactly one"
                        + " --widths value, got " + widths);
            }
        }
        SearchSpace space;
        SweepSettings settings;
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
            if (parallel < 1) {
                throw new IllegalArgumentException("--parallel must be at least 1, got " + parallel);
            }
            if (SweepSettings.OPTIMIZERS.contains(optimizer)) {
                epsilons.check(spec.commandLine(), SweepSettings.hasEpsilon(optimizer), optimizer);
            }
            settings = new SweepSettings(tasks.name(), task.settings(), params, widths, seeds, steps,
                    batch != null ? batch : task.batchSize(), optimizer, beta1, beta2, task.data(), validBatches,
                    space.describe(), devices.precision(), epsilons.scaling(spec.commandLine()),
                    epsilons.epsilon(spec.commandLine()), depths, depthExponent);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        TaskOption.checkWidths(spec.commandLine(), task, "--widths", settings.widths());
        if (!depths.isEmpty()) {
            TaskOption.checkDepths(spec.commandLine(), task, "--depths", depths, widths);
        }
        if (depthExponent != 0) {
            TaskOption.requireDepthAxis(spec.commandLine(), task, "--depth-exponent");
        }
        try {
            settings.check(task);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        String name = worker != null ? worker : defaultWorker();
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
            finished = Sweep.run(trialStore, task, settings, space, name, Duration.ofSeconds(leaseSeconds),
                    devices.device(), bar, parallel);
            progress = trialStore.progress();
        } finally {
            bar.finish();
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "Sweep done: %d trials (%d diverged) in %s; this worker ran %d.%n"
                        + "See the result with: report --store %s%n",
                progress.total(), progress.diverged(), store, finished, store);
        out.flush();
        return 0;
    }

    private static void alias(Map<String, String[]> aliases, String option, String key, Integer value) {
        if (value != null) {
            aliases.put(option, new String[] {key, String.valueOf(value)});
        }
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
