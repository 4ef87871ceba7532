package dev.mup.tests.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mup.examples.mlp.MlpTask;
import dev.mup.runtime.precision.Precision;
import dev.mup.workflow.sweep.EngineThreads;
import dev.mup.workflow.sweep.SearchSpace;
import dev.mup.workflow.sweep.Sweep;
import dev.mup.workflow.sweep.SweepListener;
import dev.mup.workflow.sweep.SweepSettings;
import dev.mup.workflow.sweep.SweepWorker;
import dev.mup.workflow.sweep.TaskTrialRunner;
import dev.mup.workflow.sweep.TrialRecord;
import dev.mup.workflow.sweep.TrialResult;
import dev.mup.workflow.sweep.TrialStatus;
import dev.mup.workflow.sweep.TrialStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --parallel}: a worker that trains several trials at once records every trial exactly
 * once, and a trial's losses do not depend on what trains beside it.
 */
class ParallelSweepTest {

    private static final Duration LEASE = Duration.ofMinutes(5);

    /** A small μP sweep of the example MLP: 2 widths × 4 learning rates, 25 steps each. */
    private static SweepSettings settings(MlpTask task, SearchSpace space) {
        return new SweepSettings("mlp", task.settings(), List.of("mup"), List.of(32, 64), 1, 25, 16, "adam",
                0.9, 0.999, task.data(), 2, space.describe(), Precision.FP32);
    }

    private static List<TrialRecord> sweep(Path file, int parallel) throws Exception {
        MlpTask task = new MlpTask();
        SearchSpace space = SearchSpace.grid(List.of("log2Lr=-10:-7:1"));
        SweepSettings settings = settings(task, space);
        try (TrialStore store = TrialStore.open("jdbc:sqlite:" + file)) {
            store.initialize(settings.toJson(), Sweep.trials(settings, space.points()));
            TaskTrialRunner runner = new TaskTrialRunner(task, settings, null, settings.precision());
            // One intra-op thread per trial alone and beside others: the same arithmetic, so the same bits.
            int ran = new SweepWorker(store, "w" + parallel, LEASE, runner, SweepListener.NONE)
                    .withParallelism(parallel).withThreadsPerTrial(1).run();
            List<TrialRecord> trials = store.trials();
            assertEquals(trials.size(), ran, "the worker ran every trial");
            return trials;
        }
    }

    @Test
    void aTrialTrainedBesideOthersGivesTheSameLossesAsAloneAndEachIsRecordedOnce(@TempDir Path dir)
            throws Exception {
        List<TrialRecord> alone = sweep(dir.resolve("alone.db"), 1);
        List<TrialRecord> beside = sweep(dir.resolve("beside.db"), 3);
        assertEquals(8, alone.size());
        assertEquals(8, beside.size());
        Map<String, TrialRecord> byKey = alone.stream()
                .collect(Collectors.toMap(r -> r.spec().key(), Function.identity()));
        for (TrialRecord r : beside) {
            assertEquals(TrialStatus.COMPLETED, r.status(), r.spec().key());
            assertEquals(1, r.attempts(), "claimed once: " + r.spec().key());
            TrialResult expected = byKey.get(r.spec().key()).result();
            assertTrue(Double.isFinite(expected.trainLoss()), r.spec().key());
            assertEquals(expected.trainLoss(), r.result().trainLoss(), 0.0, "train loss of " + r.spec().key());
            assertEquals(expected.validLoss(), r.result().validLoss(), 0.0, "valid loss of " + r.spec().key());
            assertEquals(expected.steps(), r.result().steps());
        }
    }

    @Test
    void theSweepCommandTakesParallel(@TempDir Path dir) throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("cli.db");
        String[] sweep = {"sweep", "--task", "mlp", "--param", "mup", "--widths", "32", "--steps", "5", "--batch", "8",
            "--valid-batches", "1", "--grid", "log2Lr=-9,-8,-7", "--store", url};
        assertEquals(2, quietly(concat(sweep, "--parallel", "0")), "--parallel 0 is refused");
        assertEquals(0, quietly(concat(sweep, "--parallel", "2")));
        try (TrialStore store = TrialStore.open(url)) {
            assertEquals(3, store.progress().completed());
            store.trials().forEach(r -> assertEquals(1, r.attempts(), r.spec().key()));
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static int quietly(String... args) {
        java.io.PrintStream out = System.out;
        java.io.PrintStream err = System.err;
        try {
            System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
            System.setErr(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
            return dev.mup.cli.MupCli.run(args);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void eachTrialThreadTrainsWithItsOwnShareOfTheEngineThreads(@TempDir Path dir) throws Exception {
        MlpTask task = new MlpTask();
        SearchSpace space = SearchSpace.grid(List.of("log2Lr=-10:-7:1"));
        SweepSettings settings = settings(task, space);
        Set<Integer> seen = ConcurrentHashMap.newKeySet();
        Set<String> threads = ConcurrentHashMap.newKeySet();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CountDownLatch together = new CountDownLatch(2);
        try (TrialStore store = TrialStore.open("jdbc:sqlite:" + dir.resolve("threads.db"))) {
            store.initialize(settings.toJson(), Sweep.trials(settings, space.points()));
            int ran = new SweepWorker(store, "w", LEASE, spec -> {
                most.accumulateAndGet(running.incrementAndGet(), Math::max);
                together.countDown();
                together.await(30, TimeUnit.SECONDS); // the first two trials overlap
                seen.add(EngineThreads.intraOp().orElseThrow());
                threads.add(Thread.currentThread().getName());
                running.decrementAndGet();
                return new TrialResult(1.0, 1.0, 1, 0.0);
            }, SweepListener.NONE).withParallelism(2).withThreadsPerTrial(1).run();
            assertEquals(8, ran);
            assertEquals(8, store.progress().completed());
        }
        assertEquals(2, most.get(), "two trials ran at once");
        assertEquals(2, threads.size(), "on two threads: " + threads);
        assertEquals(Set.of(1), seen, "each trial thread has 1 intra-op thread");
    }

    @Test
    void aFailingTrialStopsTheOtherLoopsAndIsReleased(@TempDir Path dir) throws Exception {
        MlpTask task = new MlpTask();
        SearchSpace space = SearchSpace.grid(List.of("log2Lr=-10:-7:1"));
        SweepSettings settings = settings(task, space);
        try (TrialStore store = TrialStore.open("jdbc:sqlite:" + dir.resolve("fail.db"))) {
            store.initialize(settings.toJson(), Sweep.trials(settings, space.points()));
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> new SweepWorker(store, "w", LEASE, spec -> {
                        if (spec.width() == 32 && spec.hyperparameter("log2Lr") == -9.0) {
                            throw new IllegalStateException("boom");
                        }
                        return new TrialResult(1.0, 1.0, 1, 0.0);
                    }, SweepListener.NONE).withParallelism(2).run());
            assertEquals("boom", e.getMessage());
            assertEquals(0, store.progress().running(), "no trial stays claimed");
            assertTrue(store.progress().pending() >= 1, "the failed trial is pending again");
        }
        try (TrialStore store = TrialStore.open("jdbc:sqlite:" + dir.resolve("zero.db"))) {
            SweepWorker worker = new SweepWorker(store, "w", LEASE, spec -> null, SweepListener.NONE);
            assertThrows(IllegalArgumentException.class, () -> worker.withParallelism(0));
        }
    }
}
