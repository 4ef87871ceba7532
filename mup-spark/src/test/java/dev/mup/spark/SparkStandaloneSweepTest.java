package dev.mup.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mup.workflow.sweep.SweepSettings;
import dev.mup.workflow.sweep.TrialRecord;
import dev.mup.workflow.sweep.TrialStatus;
import dev.mup.workflow.sweep.TrialStore;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sweeps on a real Spark standalone cluster started on 127.0.0.1 (a master and two one-core
 * workers): every trial is recorded exactly once, also when an executor is killed mid-sweep.
 * The store is a SQLite file that the driver and the executors, all on this machine, share.
 */
class SparkStandaloneSweepTest {

    @TempDir static Path dir;

    private static StandaloneCluster cluster;

    /** The executor's pid in the worker name a Spark trial task claims with. */
    private static final Pattern EXECUTOR_PID = Pattern.compile("-(\\d+)-stage");

    @BeforeAll
    static void startCluster() throws Exception {
        Path home = Path.of(System.getProperty("mup.spark.home", "target/spark-home"));
        cluster = StandaloneCluster.start(home, dir.resolve("spark"), 2);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** The application: the test's class path (its jars are what an application jar would hold). */
    private static SparkConf conf(String name) {
        Set<String> spark = cluster.sparkJars();
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !spark.contains(Path.of(entry).getFileName().toString()))
                .collect(Collectors.joining(File.pathSeparator));
        return new SparkConf().setMaster(cluster.masterUrl()).setAppName(name)
                .set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1")
                .set("spark.executor.memory", "512m")
                .set("spark.executor.cores", "1")
                .set("spark.cores.max", "2")
                .set("spark.executor.extraClassPath", classPath)
                .set("spark.executor.extraJavaOptions", String.join(" ", StandaloneCluster.MODULE_OPTIONS)
                        + " -Dai.djl.offline=true -Dai.djl.pytorch.num_interop_threads=1")
                .set("spark.task.maxFailures", "8")
                // Speculative copies of slow trial tasks: the store must keep them from recording twice.
                .set("spark.speculation", "true")
                .set("spark.speculation.quantile", "0.5")
                .set("spark.speculation.multiplier", "1.5");
    }

    @Test
    void aSweepOnTheClusterRecordsEveryTrialOnce() {
        String url = "jdbc:sqlite:" + dir.resolve("cluster.db");
        SweepSettings settings = SweepFixture.settings(20);
        try (JavaSparkContext sc = new JavaSparkContext(conf("mup sweep on a cluster"))) {
            SparkSweep.Outcome outcome = SparkSweep.run(sc, url, settings, SweepFixture.SPACE, Duration.ofSeconds(30));
            assertEquals(SweepFixture.TRIALS, outcome.tasks());
            assertEquals(SweepFixture.TRIALS, outcome.recorded(), "each trial recorded by one task");
        }
        List<TrialRecord> trials = SweepFixture.assertEveryTrialRecordedOnce(url);
        Set<String> executors = trials.stream().map(r -> r.worker().replaceAll("-stage.*", ""))
                .collect(Collectors.toSet());
        assertTrue(executors.size() >= 1, "trained on the executors: " + executors);
    }

    @Test
    void killingAnExecutorMidSweepLosesNoTrialAndRecordsNoneTwice() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("kill.db");
        SweepSettings settings = SweepFixture.settings(60);
        Duration lease = Duration.ofSeconds(6);
        long killed;
        SparkSweep.Outcome outcome;
        try (JavaSparkContext sc = new JavaSparkContext(conf("mup sweep, one executor killed"))) {
            CompletableFuture<SparkSweep.Outcome> job = CompletableFuture.supplyAsync(
                    () -> SparkSweep.run(sc, url, settings, SweepFixture.SPACE, lease));
            killed = killAnExecutorTraining(url);
            outcome = job.get(150, TimeUnit.SECONDS);
        }
        assertEquals(SweepFixture.TRIALS, outcome.progress().completed(), "0 lost");
        assertTrue(outcome.recorded() <= SweepFixture.TRIALS, "0 duplicated");
        List<TrialRecord> trials = SweepFixture.assertEveryTrialRecordedOnce(url);
        TrialRecord retaken = trials.stream().filter(r -> r.attempts() > 1).findFirst()
                .orElseThrow(() -> new AssertionError("the killed executor's trial was claimed again: " + trials));
        assertTrue(!retaken.worker().contains("-" + killed + "-"),
                "the killed executor (pid " + killed + ") did not record " + retaken.spec().key());
    }

    /**
     * Waits until an executor trains a trial (a running claim whose worker name holds its pid),
     * then kills that executor's process.
     */
    private static long killAnExecutorTraining(String url) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < until) {
            try (TrialStore store = TrialStore.open(url)) {
                if (store.definition().isPresent()) {
                    for (TrialRecord r : store.trials()) {
                        if (r.status() == TrialStatus.RUNNING) {
                            Matcher m = EXECUTOR_PID.matcher(r.worker());
                            Optional<ProcessHandle> executor = m.find()
                                    ? cluster.executor(Long.parseLong(m.group(1))) : Optional.empty();
                            if (executor.isPresent()) {
                                executor.get().destroyForcibly();
                                executor.get().onExit().get(30, TimeUnit.SECONDS);
                                return executor.get().pid();
                            }
                        }
                    }
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no executor trained a trial within 120 s");
    }
}
