package dev.mup.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mup.workflow.sweep.Sweep;
import dev.mup.workflow.sweep.SweepSettings;
import dev.mup.workflow.sweep.TrialRecord;
import dev.mup.workflow.sweep.TrialStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A sweep in Spark's {@code local[2]} mode, and the store as the arbiter of duplicate tasks. */
class SparkSweepLocalTest {

    @Test
    void aSweepInLocalModeRecordsEveryTrialOnceAndARerunHasNothingToDo(@TempDir Path dir) {
        String url = "jdbc:sqlite:" + dir.resolve("local.db");
        SweepSettings settings = SweepFixture.settings(20);
        SparkConf conf = new SparkConf().setMaster("local[2]").setAppName("mup local sweep")
                .set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1");
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            SparkSweep.Outcome first = SparkSweep.run(sc, url, settings, SweepFixture.SPACE, Duration.ofSeconds(30));
            assertEquals(SweepFixture.TRIALS, first.tasks());
            assertEquals(SweepFixture.TRIALS, first.recorded());
            List<TrialRecord> trials = SweepFixture.assertEveryTrialRecordedOnce(url);
            trials.forEach(r -> assertEquals(1, r.attempts(), "claimed once: " + r.spec().key()));
            SparkSweep.Outcome again = SparkSweep.run(sc, url, settings, SweepFixture.SPACE, Duration.ofSeconds(30));
            assertEquals(0, again.tasks(), "a finished sweep has no task left");
            assertEquals(SweepFixture.TRIALS, again.progress().completed());
        }
    }

    /**
     * What a retried or speculative copy of a trial's task meets: the same trial run by two tasks
     * at once is trained and recorded by one; the other waits until it is recorded and reports
     * that it recorded nothing.
     */
    @Test
    void twoCopiesOfATrialTaskRecordItOnce(@TempDir Path dir) throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("copies.db");
        SweepSettings settings = SweepFixture.settings(20);
        try (TrialStore store = TrialStore.open(url)) {
            store.initialize(settings.toJson(), Sweep.trials(settings, SweepFixture.SPACE.points()));
        }
        SparkSweep.TrialTask task = new SparkSweep.TrialTask(url, settings.toJson(), 30_000);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Boolean> a = pool.submit(() -> task.call(3L));
            Future<Boolean> b = pool.submit(() -> task.call(3L));
            assertEquals(1, (a.get() ? 1 : 0) + (b.get() ? 1 : 0), "exactly one copy records the trial");
        } finally {
            pool.shutdownNow();
        }
        try (TrialStore store = TrialStore.open(url)) {
            TrialRecord r = store.trial(3).orElseThrow();
            assertEquals(1, r.attempts(), "trained once");
            assertEquals(1, store.progress().completed());
        }
    }
}
