package dev.mup.spark;

import dev.mup.runtime.EpsilonScaling;
import dev.mup.runtime.precision.Precision;
import dev.mup.workflow.sweep.SearchSpace;
import dev.mup.workflow.sweep.SweepSettings;
import dev.mup.workflow.task.MuTask;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code spark-submit} entry point: a sweep with the options of the {@code sweep} command,
 * its trials run as Spark tasks.
 *
 * <pre>
 * spark-submit --class dev.mup.spark.SparkSweepMain --master spark://host:7077 \
 *     --jars mup-spark.jar app-with-tasks.jar \
 *     --task com.acme.MyTask --store jdbc:postgresql://db/sweeps?user=mup \
 *     --widths 64,128,256 --grid log2Lr=-12:-4:1 --steps 200
 * </pre>
 */
@Command(name = "spark-sweep", mixinStandardHelpOptions = true,
        description = "Runs a sweep of a task on Spark: one Spark task per trial, results in the JDBC store.")
public final class SparkSweepMain implements Callable<Integer> {

    @Option(names = "--task", required = true, description = "The task: a MuTask class name or a short name.")
    String task;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "A setting of the task, repeatable.")
    List<String> sets = new ArrayList<>();

    @Option(names = "--store", required = true,
            description = "JDBC URL of the trial store, reachable from every executor (jdbc:postgresql://...).")
    String store;

    @Option(names = "--param", split = ",", defaultValue = "mup,sp", description = "mup, sp or both (default mup,sp).")
    List<String> params;

    @Option(names = "--widths", split = ",", defaultValue = "64,128,256,512", description = "Widths.")
    List<Integer> widths;

    @Option(names = "--seeds", defaultValue = "1", description = "Seeds per point (default 1).")
    int seeds;

    @Option(names = "--steps", defaultValue = "200", description = "Training steps per trial (default 200).")
    int steps;

    @Option(names = "--batch", description = "Batch size (default: the task's).")
    Integer batch;

    @Option(names = "--optimizer", defaultValue = "adamw",
            description = "adam, adamw, sgd, adamw-scaled, adam-atan2, lion or lion-independent (default adamw).")
    String optimizer;

    @Option(names = "--beta1", defaultValue = "0.9", description = "Adam β1, SGD momentum (default 0.9).")
    double beta1;

    @Option(names = "--beta2", defaultValue = "0.95", description = "Adam β2 (default 0.95).")
    double beta2;

    @Option(names = "--valid-batches", defaultValue = "8", description = "Batches of validation loss (default 8).")
    int validBatches;

    @Option(names = "--grid", description = "A grid axis, repeatable: name=a:b:step, name=v1,v2 or name=v.")
    List<String> grid = new ArrayList<>();

    @Option(names = "--precision", defaultValue = "fp32", description = "fp32 (default) or another precision.")
    String precision;

    @Option(names = "--epsilon", description = "Adam's ε (default 1e-8); Adam optimizers only.")
    Double epsilon;

    @Option(names = "--epsilon-scaling", defaultValue = "fixed",
            description = "How μP scales Adam's ε: fixed (default), hidden or global.")
    String epsilonScaling;

    @Option(names = "--depths", split = ",", description = "Vary depth at the one width of --widths (tasks with a depth axis).")
    List<Integer> depths = new ArrayList<>();

    @Option(names = "--depth-exponent", defaultValue = "0",
            description = "Depth exponent α: 0 off (default), 0.5 depth-μP, 1 CompleteP.")
    double depthExponent;

    @Option(names = "--lease", defaultValue = "120",
            description = "Seconds a claim holds without renewal (default 120): how long a dead executor's trial waits.")
    int leaseSeconds;

    @Override
    public Integer call() {
        SweepSettings settings = settings();
        SparkConf conf = new SparkConf().setAppName("mup sweep " + task);
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            SparkSweep.Outcome outcome = SparkSweep.run(sc, store, settings, SearchSpace.grid(grid),
                    Duration.ofSeconds(leaseSeconds));
            System.out.printf(Locale.ROOT, "Sweep done: %d trials (%d completed, %d diverged, %d unfinished);"
                            + " this job ran %d Spark tasks and recorded %d.%nSee the result with: report --store %s%n",
                    outcome.progress().total(), outcome.progress().completed(), outcome.progress().diverged(),
                    outcome.progress().total() - outcome.progress().done(), outcome.tasks(), outcome.recorded(), store);
            return outcome.progress().finished() ? 0 : 1;
        }
    }

    /**
     * The sweep's settings from the options.
     *
     * @return them
     * @throws IllegalArgumentException for a bad option
     */
    SweepSettings settings() {
        MuTask t = dev.mup.workflow.task.Tasks.create(task);
        for (String s : sets) {
            int eq = s.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--set takes KEY=VALUE, got '" + s + "'");
            }
            t.configure(s.substring(0, eq).trim(), s.substring(eq + 1).trim());
        }
        SearchSpace space = SearchSpace.grid(grid);
        EpsilonScaling scaling;
        try {
            scaling = EpsilonScaling.valueOf(epsilonScaling.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Unknown --epsilon-scaling '" + epsilonScaling
                    + "': use fixed, hidden or global");
        }
        SweepSettings settings = new SweepSettings(task, t.settings(), params, widths, seeds, steps,
                batch != null ? batch : t.batchSize(), optimizer, beta1, beta2, t.data(), validBatches,
                space.describe(), Precision.parse(precision), scaling,
                epsilon != null ? epsilon : SweepSettings.DEFAULT_EPSILON, depths, depthExponent);
        settings.check(t);
        return settings;
    }

    /**
     * Runs the sweep.
     *
     * @param args the options
     */
    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new SparkSweepMain());
        cli.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            if (e instanceof IllegalArgumentException) {
                commandLine.getErr().println(e.getMessage());
                return 2;
            }
            throw e;
        });
        System.exit(cli.execute(args));
    }
}
