package dev.mup.spark;

import dev.mup.workflow.sweep.SearchSpace;
import dev.mup.workflow.sweep.Sweep;
import dev.mup.workflow.sweep.SweepListener;
import dev.mup.workflow.sweep.SweepProgress;
import dev.mup.workflow.sweep.SweepSettings;
import dev.mup.workflow.sweep.SweepWorker;
import dev.mup.workflow.sweep.TaskTrialRunner;
import dev.mup.workflow.sweep.TrialRecord;
import dev.mup.workflow.sweep.TrialStore;
import dev.mup.workflow.task.MuTask;
import dev.mup.workflow.task.Tasks;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;

/**
 * Runs a sweep of any task on a Spark cluster, one Spark task per trial, as Hyperopt's
 * {@code SparkTrials} does: the driver writes the sweep to its JDBC {@link TrialStore} (or checks
 * that the store holds this very sweep, to resume it), then runs a job whose tasks are the
 * unfinished trials. Each task, on an executor, creates the task class by name (it travels with
 * the application jar), reads its data there, claims its trial in the store, trains it while
 * renewing the claim's lease and records the result. {@code report} and {@code transfer} read the
 * store as they read any sweep.
 *
 * <p>The store, not Spark, decides who records a trial
 * ({@link SweepWorker#runTrial(long)}): a retried task (its executor died) finds the trial
 * claimed, waits until the dead claim's lease expires and trains it again; a speculative copy
 * finds it claimed by the original and waits until it is recorded; only the holder of the current
 * claim can record it. So a trial is recorded exactly once, and the job ends only when every trial
 * is. The store must be reachable from every executor: PostgreSQL for a cluster; a SQLite file
 * only when the driver and all executors share one machine.
 *
 * <pre>{@code
 * SweepSettings settings = ...; // as the sweep command builds them
 * try (JavaSparkContext sc = new JavaSparkContext(new SparkConf().setAppName("mup sweep"))) {
 *     SparkSweep.Outcome outcome = SparkSweep.run(sc, "jdbc:postgresql://db/sweeps?user=mup", settings,
 *             SearchSpace.grid(List.of("log2Lr=-12:-4:1")), Duration.ofMinutes(2));
 * }
 * }</pre>
 */
public final class SparkSweep {

    private SparkSweep() {}

    /**
     * What a Spark sweep did.
     *
     * @param progress the store's counts after the job
     * @param tasks the Spark tasks the job ran (one per trial that was unfinished when it started)
     * @param recorded trials recorded by those tasks (a trial recorded by another worker of the
     *     same store, such as a {@code sweep} command running beside the job, is not counted)
     */
    public record Outcome(SweepProgress progress, int tasks, int recorded) {}

    /**
     * Writes the sweep to the store (or checks that it holds it) and runs its unfinished trials
     * as Spark tasks, one partition per trial. When a trial fails more often than Spark retries a
     * task, the job fails with Spark's {@code org.apache.spark.SparkException}, which Spark's Java
     * API throws without declaring it.
     *
     * @param sc the Spark context; the executors must have the task class and its dependencies
     *     (the application jar)
     * @param storeUrl the JDBC URL of the store, as the executors reach it
     * @param settings the sweep
     * @param space its search space
     * @param lease how long a claim holds without renewal: after an executor dies, its trial
     *     waits this long before a retry trains it again
     * @return the outcome
     * @throws IllegalArgumentException when the task refuses a width or a hyperparameter
     */
    public static Outcome run(JavaSparkContext sc, String storeUrl, SweepSettings settings, SearchSpace space,
            Duration lease) {
        Objects.requireNonNull(sc, "sc");
        Objects.requireNonNull(storeUrl, "storeUrl");
        if (lease == null || lease.toMillis() < 3) {
            throw new IllegalArgumentException("the lease must be at least 3 ms, got " + lease);
        }
        MuTask task = task(settings);
        settings.check(task);
        List<Long> unfinished;
        try (TrialStore store = TrialStore.open(storeUrl)) {
            store.initialize(settings.toJson(), Sweep.trials(settings, space.points()));
            unfinished = store.trials().stream().filter(r -> !r.status().finished()).map(TrialRecord::id).toList();
        }
        int recorded = 0;
        if (!unfinished.isEmpty()) {
            sc.setJobDescription("mup sweep of " + settings.task() + ": " + unfinished.size() + " trials");
            recorded = sc.parallelize(unfinished, unfinished.size())
                    .map(new TrialTask(storeUrl, settings.toJson(), lease.toMillis()))
                    .collect().stream().mapToInt(b -> b ? 1 : 0).sum();
        }
        try (TrialStore store = TrialStore.open(storeUrl)) {
            return new Outcome(store.progress(), unfinished.size(), recorded);
        }
    }

    /**
     * Creates the sweep's task and applies its stored settings, as every executor does.
     *
     * @param settings the sweep
     * @return the task
     */
    static MuTask task(SweepSettings settings) {
        MuTask task = Tasks.create(settings.task());
        settings.taskSettings().forEach(task::configure);
        return task;
    }

    /**
     * One trial, on an executor: returns whether this task recorded it. Serializable: only the
     * store's URL, the settings' JSON and the lease travel; the task class comes from the jar.
     */
    static final class TrialTask implements Function<Long, Boolean> {

        private static final long serialVersionUID = 1L;

        private final String storeUrl;
        private final String settingsJson;
        private final long leaseMillis;

        TrialTask(String storeUrl, String settingsJson, long leaseMillis) {
            this.storeUrl = storeUrl;
            this.settingsJson = settingsJson;
            this.leaseMillis = leaseMillis;
        }

        @Override
        public Boolean call(Long id) throws Exception {
            SweepSettings settings = SweepSettings.fromJson(settingsJson);
            MuTask task = task(settings);
            TaskContext context = TaskContext.get();
            int threads = context != null ? Math.max(1, context.cpus()) : 0;
            String worker = "spark-" + host() + "-" + ProcessHandle.current().pid()
                    + (context != null ? "-stage" + context.stageId() + "-task" + context.taskAttemptId() : "");
            try (TrialStore store = TrialStore.open(storeUrl)) {
                TaskTrialRunner runner = new TaskTrialRunner(task, settings, null, settings.precision());
                return new SweepWorker(store, worker, Duration.ofMillis(leaseMillis), runner, SweepListener.NONE)
                        .withThreadsPerTrial(threads).runTrial(id);
            }
        }

        private static String host() {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                return "localhost";
            }
        }
    }
}
