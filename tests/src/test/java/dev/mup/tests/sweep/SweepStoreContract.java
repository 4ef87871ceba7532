package dev.mup.tests.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.mup.workflow.sweep.ClaimedTrial;
import dev.mup.workflow.sweep.SweepListener;
import dev.mup.workflow.sweep.SweepProgress;
import dev.mup.workflow.sweep.SweepWorker;
import dev.mup.workflow.sweep.TrialRecord;
import dev.mup.workflow.sweep.TrialResult;
import dev.mup.workflow.sweep.TrialRunner;
import dev.mup.workflow.sweep.TrialSpec;
import dev.mup.workflow.sweep.TrialStatus;
import dev.mup.workflow.sweep.TrialStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a trial store must do on every database: each subclass supplies a fresh, empty store URL
 * per test.
 */
@Timeout(60)
abstract class SweepStoreContract {

    static final String DEFINITION = "{\"model\":\"mlp\",\"steps\":10,\"widths\":[32,64,96]}";

    /** This test's store. */
    String url;

    /**
     * A URL of an empty store that no other test uses.
     *
     * @return the URL
     */
    abstract String newStoreUrl() throws Exception;

    @BeforeEach
    void freshStore() throws Exception {
        url = newStoreUrl();
    }

    /** {@code n} distinct trials, in the order workers claim them. */
    static List<TrialSpec> grid(int n) {
        List<TrialSpec> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(TrialSpec.of("mup", 32 * (1 + i % 3), i % 2)
                    .with("log2Lr", -12 + 0.25 * i)
                    .with("outputMultiplier", 1.0));
        }
        return out;
    }

    /** A result that depends on the trial only, so that a record can be checked against its spec. */
    static TrialResult resultFor(TrialSpec spec) {
        double loss = 2.0 + spec.hyperparameter("log2Lr") / 100 + spec.width() / 1000.0 + spec.seed();
        return new TrialResult(loss, loss + 0.125, 10, 0.001);
    }

    /** Runs trials by sleeping briefly, counting how often each trial ran. */
    static TrialRunner countingRunner(Map<String, AtomicInteger> runs, long sleepMillis) {
        return spec -> {
            runs.computeIfAbsent(spec.key(), k -> new AtomicInteger()).incrementAndGet();
            Thread.sleep(sleepMillis);
            return resultFor(spec);
        };
    }

    static void sql(String url, String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    static void assertMessage(Throwable t, String... parts) {
        for (String part : parts) {
            assertTrue(t.getMessage() != null && t.getMessage().contains(part),
                    "message should contain '" + part + "': " + t.getMessage());
        }
    }

    /** Every trial completed exactly once, with the result its spec gives. */
    static void assertAllCompletedOnce(List<TrialRecord> records, List<TrialSpec> trials, Map<String, AtomicInteger> runs) {
        assertEquals(trials.size(), records.size());
        for (int i = 0; i < trials.size(); i++) {
            TrialRecord r = records.get(i);
            assertEquals(i + 1, r.id());
            assertEquals(trials.get(i), r.spec());
            assertEquals(TrialStatus.COMPLETED, r.status(), r.spec().key());
            assertEquals(resultFor(r.spec()), r.result(), r.spec().key());
            AtomicInteger n = runs.get(r.spec().key());
            assertEquals(1, n == null ? 0 : n.get(), "runner invocations of " + r.spec().key());
        }
        assertEquals(trials.size(), runs.size());
    }

    @Test
    void fourConcurrentWorkersCompleteEveryTrialExactlyOnce() throws Exception {
        List<TrialSpec> trials = grid(50);
        Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
        int workers = 4;
        CyclicBarrier opened = new CyclicBarrier(workers);
        CyclicBarrier initialized = new CyclicBarrier(workers);
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        try {
            List<Future<Integer>> finished = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                String name = "worker-" + w;
                finished.add(pool.submit(() -> {
                    try (TrialStore store = TrialStore.open(url)) {
                        // Every worker initializes, as every copy of the sweep command does: one writes.
                        opened.await(30, TimeUnit.SECONDS);
                        store.initialize(DEFINITION, trials);
                        initialized.await(30, TimeUnit.SECONDS);
                        // A short poll: workers that run out of trials notice soon that the others finished.
                        return new SweepWorker(store, name, Duration.ofSeconds(10), countingRunner(runs, 3), null,
                                Duration.ofMillis(20)).run();
                    }
                }));
            }
            int total = 0;
            for (Future<Integer> f : finished) {
                total += f.get(60, TimeUnit.SECONDS);
            }
            assertEquals(50, total, "trials finished by all workers together");
        } finally {
            pool.shutdownNow();
        }
        try (TrialStore store = TrialStore.open(url)) {
            List<TrialRecord> records = store.trials();
            assertAllCompletedOnce(records, trials, runs);
            Set<String> by = new HashSet<>();
            for (TrialRecord r : records) {
                assertEquals(1, r.attempts(), r.spec().key());
                by.add(r.worker());
            }
            assertTrue(by.size() > 1, "the workers shared the trials: " + by);
            assertEquals(new SweepProgress(50, 0, 0, 50, 0), store.progress());
            assertEquals(Optional.of(DEFINITION), store.definition());
        }
    }

    @Test
    void killedWorkersTrialIsClaimedAgainAfterItsLease() throws Exception {
        List<TrialSpec> trials = grid(8);
        try (TrialStore store = TrialStore.open(url)) {
            store.initialize(DEFINITION, trials);
        }
        long deadLease = 1000;
        Process doomed = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xshare:auto", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"),
                ClaimAndHold.class.getName(), url, "doomed", Long.toString(deadLease))
                .redirectErrorStream(true)
                .start();
        long claimedId;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(doomed.getInputStream(), StandardCharsets.UTF_8))) {
            StringBuilder seen = new StringBuilder();
            String line;
            while ((line = out.readLine()) != null && !line.startsWith("CLAIMED ")) {
                seen.append(line).append('\n');
            }
            if (line == null) {
                fail("the worker process exited without claiming: " + seen);
            }
            claimedId = Long.parseLong(line.substring("CLAIMED ".length()).trim());
        } finally {
            doomed.destroyForcibly();
            assertTrue(doomed.waitFor(30, TimeUnit.SECONDS), "the killed worker process ended");
        }
        assertEquals(1, claimedId, "the first trial was free");

        Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
        try (TrialStore store = TrialStore.open(url)) {
            TrialRecord held = store.trial(claimedId).orElseThrow();
            assertEquals(TrialStatus.RUNNING, held.status());
            assertEquals("doomed", held.worker());
            assertEquals(1, held.attempts());

            // The survivor runs the free trials, then waits (polling) until the dead worker's lease
            // expires and takes its trial over. That a live lease is never taken over is
            // staleTokensAreRejected's business: here the timing depends on the machine's load.
            SweepListener listener = new SweepListener() {
                @Override
                public void waiting(SweepProgress progress) {
                    assertEquals(new SweepProgress(8, 0, 1, 7, 0), progress, "only the dead worker's trial is left");
                }
            };
            int finished = new SweepWorker(store, "survivor", Duration.ofMillis(600), countingRunner(runs, 2), listener).run();
            assertEquals(8, finished);

            List<TrialRecord> records = store.trials();
            assertAllCompletedOnce(records, trials, runs);
            for (TrialRecord r : records) {
                assertEquals("survivor", r.worker());
                assertEquals(r.id() == claimedId ? 2 : 1, r.attempts(), r.spec().key());
            }
        }
    }

    @Test
    void rerunningAFinishedSweepChangesNothing() throws Exception {
        List<TrialSpec> trials = grid(6);
        Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
        List<TrialRecord> before;
        try (TrialStore store = TrialStore.open(url)) {
            store.initialize(DEFINITION, trials);
            assertEquals(6, new SweepWorker(store, "first", Duration.ofSeconds(5), countingRunner(runs, 0), null).run());
            before = store.trials();
        }
        try (TrialStore store = TrialStore.open(url)) {
            store.initialize(DEFINITION, trials);
            AtomicInteger started = new AtomicInteger();
            SweepListener listener = new SweepListener() {
                @Override
                public void started(SweepProgress progress) {
                    started.incrementAndGet();
                    assertTrue(progress.finished());
                }
            };
            int finished = new SweepWorker(store, "again", Duration.ofSeconds(5),
                    spec -> fail("a finished trial ran again: " + spec.key()), listener).run();
            assertEquals(0, finished);
            assertEquals(1, started.get());
            assertEquals(before, store.trials());
            assertAllCompletedOnce(store.trials(), trials, runs);
            assertEquals(Optional.empty(), store.claim("again", Duration.ofSeconds(5)));
        }
    }

    @Test
    void divergedTrialsAreRecordedAndTheWorkerGoesOn() throws Exception {
        List<TrialSpec> trials = grid(6);
        TrialSpec nan = trials.get(1);
        TrialSpec inf = trials.get(3);
        List<String> ran = new ArrayList<>();
        try (TrialStore store = TrialStore.open(url)) {
            store.initialize(DEFINITION, trials);
            List<TrialRecord> heard = new ArrayList<>();
            SweepListener listener = new SweepListener() {
                @Override
                public void trialFinished(TrialRecord record, SweepProgress progress) {
                    heard.add(record);
                }
            };
            int finished = new SweepWorker(store, "w", Duration.ofSeconds(5), spec -> {
                ran.add(spec.key());
                if (spec.equals(nan)) {
                    return new TrialResult(Double.NaN, Double.NaN, 3, 0.5);
                }
                if (spec.equals(inf)) {
                    return new TrialResult(Double.POSITIVE_INFINITY, 7.5, 4, 0.25);
                }
                return resultFor(spec);
            }, listener).run();
            assertEquals(6, finished);
            assertEquals(trials.stream().map(TrialSpec::key).toList(), ran);
            assertEquals(store.trials(), heard);
            assertEquals(new SweepProgress(6, 0, 0, 4, 2), store.progress());
            for (TrialRecord r : store.trials()) {
                if (r.spec().equals(nan)) {
                    assertEquals(TrialStatus.DIVERGED, r.status());
                    assertEquals(new TrialResult(Double.NaN, Double.NaN, 3, 0.5), r.result());
                } else if (r.spec().equals(inf)) {
                    assertEquals(TrialStatus.DIVERGED, r.status());
                    assertEquals(new TrialResult(Double.POSITIVE_INFINITY, 7.5, 4, 0.25), r.result());
                } else {
                    assertEquals(TrialStatus.COMPLETED, r.status());
                    assertEquals(resultFor(r.spec()), r.result());
                }
            }
        }
    }

    @Test
    void staleTokensAreRejected() throws Exception {
        try (TrialStore store = TrialStore.open(url)) {
            store.initialize(DEFINITION, grid(2));
            ClaimedTrial first = store.claim("a", Duration.ofMillis(1)).orElseThrow();
            Thread.sleep(50);
            ClaimedTrial second = store.claim("b", Duration.ofSeconds(30)).orElseThrow();
            assertEquals(first.id(), second.id(), "the expired claim is taken over before the next free trial");
            assertNotEquals(first.token(), second.token());
            TrialRecord taken = store.trial(first.id()).orElseThrow();
            assertEquals(new TrialRecord(first.id(), first.spec(), TrialStatus.RUNNING, null, "b", 2), taken);

            assertFalse(store.renew(first, Duration.ofSeconds(30)));
            assertFalse(store.complete(first, resultFor(first.spec())));
            store.release(first);
            assertEquals(taken, store.trial(first.id()).orElseThrow(), "a stale claim changes nothing");

            assertTrue(store.renew(second, Duration.ofSeconds(30)));
            assertTrue(store.complete(second, resultFor(second.spec())));
            TrialRecord done = store.trial(second.id()).orElseThrow();
            assertEquals(new TrialRecord(second.id(), second.spec(), TrialStatus.COMPLETED,
                    resultFor(second.spec()), "b", 2), done);

            assertFalse(store.complete(second, new TrialResult(9, 9, 9, 9)), "a finished trial is not recorded twice");
            assertFalse(store.renew(second, Duration.ofSeconds(30)));
            store.release(second);
            assertEquals(done, store.trial(second.id()).orElseThrow());

            ClaimedTrial other = store.claim("c", Duration.ofSeconds(30)).orElseThrow();
            assertEquals(2, other.id());
            assertEquals(Optional.empty(), store.claim("d", Duration.ofSeconds(30)), "a live lease is not taken over");
            assertEquals(new SweepProgress(2, 0, 1, 1, 0), store.progress());
        }
    }

    @Test
    void runnerFailureReleasesTheTrialAndIsRethrown() throws Exception {
        List<TrialSpec> trials = grid(4);
        TrialSpec bad = trials.get(2);
        Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
        try (TrialStore store = TrialStore.open(url)) {
            store.initialize(DEFINITION, trials);
            IllegalStateException boom = new IllegalStateException("out of memory on the accelerator");
            TrialRunner failing = spec -> {
                if (spec.equals(bad)) {
                    throw boom;
                }
                return countingRunner(runs, 0).run(spec);
            };
            Exception thrown = assertThrows(Exception.class,
                    () -> new SweepWorker(store, "flaky", Duration.ofSeconds(30), failing, null).run());
            assertSame(boom, thrown);
            TrialRecord released = store.trial(3).orElseThrow();
            assertEquals(new TrialRecord(3, bad, TrialStatus.PENDING, null, null, 1), released);
            assertEquals(new SweepProgress(4, 2, 0, 2, 0), store.progress());

            assertEquals(2, new SweepWorker(store, "steady", Duration.ofSeconds(30), countingRunner(runs, 0), null).run());
            assertAllCompletedOnce(store.trials(), trials, runs);
            assertEquals(2, store.trial(3).orElseThrow().attempts());
        }
    }

    @Test
    void leaseIsRenewedWhileATrialRuns() throws Exception {
        try (TrialStore store = TrialStore.open(url)) {
            store.initialize(DEFINITION, grid(1));
            AtomicInteger stolen = new AtomicInteger();
            // The trial runs for several leases: without renewal another worker would take it over.
            int finished = new SweepWorker(store, "slow", Duration.ofMillis(600), spec -> {
                try (TrialStore other = TrialStore.open(url)) {
                    for (int i = 0; i < 8; i++) {
                        Thread.sleep(150);
                        other.claim("thief", Duration.ofSeconds(30)).ifPresent(c -> stolen.incrementAndGet());
                    }
                }
                return resultFor(spec);
            }, null).run();
            assertEquals(1, finished);
            assertEquals(0, stolen.get(), "a renewed lease was taken over");
            TrialRecord r = store.trial(1).orElseThrow();
            assertEquals(TrialStatus.COMPLETED, r.status());
            assertEquals(1, r.attempts());
        }
    }

    @Test
    void aDifferentSweepIsRefusedAndNothingIsWritten() throws Exception {
        List<TrialSpec> trials = grid(5);
        try (TrialStore store = TrialStore.open(url)) {
            store.initialize(DEFINITION, trials);
            List<TrialRecord> before = store.trials();

            String other = DEFINITION.replace("\"steps\":10", "\"steps\":20");
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> store.initialize(other, trials));
            assertMessage(e, "holds a different sweep", "fingerprint", "5 trials", "character 23",
                    "\"steps\":10", "\"steps\":20", "another store");

            List<TrialSpec> more = new ArrayList<>(trials);
            more.add(TrialSpec.of("sp", 32, 0).with("log2Lr", -3.0));
            e = assertThrows(IllegalStateException.class, () -> store.initialize(DEFINITION, more));
            assertMessage(e, "holds a different sweep", "5 trials", "6 trials",
                    "trial sp|width=32|seed=0|log2Lr=-3.0 is in this sweep but not in the store");

            e = assertThrows(IllegalStateException.class, () -> store.initialize(DEFINITION, trials.subList(1, 5)));
            assertMessage(e, "trial " + trials.get(0).key() + " is in the store but not in this sweep");

            assertEquals(before, store.trials());
            assertEquals(Optional.of(DEFINITION), store.definition());

            // The same sweep listed in another order is the same sweep.
            List<TrialSpec> reversed = new ArrayList<>(trials);
            java.util.Collections.reverse(reversed);
            store.initialize(DEFINITION, reversed);
            assertEquals(before, store.trials());
        }
    }

    @Test
    void badInitializationIsRefusedBeforeAnythingIsWritten() {
        try (TrialStore store = TrialStore.open(url)) {
            assertEquals(Optional.empty(), store.definition());
            assertEquals(new SweepProgress(0, 0, 0, 0, 0), store.progress());
            assertMessage(assertThrows(IllegalArgumentException.class, () -> store.initialize(" ", grid(2))),
                    "definition is blank");
            assertMessage(assertThrows(IllegalArgumentException.class, () -> store.initialize(DEFINITION, List.of())),
                    "at least one trial");
            List<TrialSpec> twice = List.of(grid(2).get(0), grid(2).get(1), grid(2).get(0));
            assertMessage(assertThrows(IllegalArgumentException.class, () -> store.initialize(DEFINITION, twice)),
                    grid(1).get(0).key(), "appears twice", "positions 0 and 2");
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> new SweepWorker(store, "w", Duration.ofSeconds(1), spec -> fail("ran"), null).run());
            assertMessage(e, "holds no sweep", "initialize");
            assertEquals(Optional.empty(), store.definition());
            assertEquals(List.of(), store.trials());
            assertEquals(Optional.empty(), store.claim("w", Duration.ofSeconds(1)));
        }
    }

    @Test
    void aDatabaseWithOtherTablesIsRefused() throws Exception {
        sql(url, "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> TrialStore.open(url).close());
        assertMessage(e, "holds other tables [customers]", "sweep_meta", "sweep_trials", "use a new");
        assertFalse(e.getMessage().contains("password=mup"), "the password is redacted: " + e.getMessage());
        // Nothing was created next to the foreign table.
        sql(url, "DROP TABLE customers");
        try (TrialStore store = TrialStore.open(url)) {
            assertEquals(Optional.empty(), store.definition());
        }
    }

    @Test
    void aStoreOfAnotherSchemaVersionIsRefused() throws Exception {
        try (TrialStore store = TrialStore.open(url)) {
            store.initialize(DEFINITION, grid(3));
        }
        sql(url, "UPDATE sweep_meta SET schema_version = 99");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> TrialStore.open(url).close());
        assertMessage(e, "store schema version 99, this version reads 1");
        sql(url, "UPDATE sweep_meta SET schema_version = 1");
        try (TrialStore store = TrialStore.open(url)) {
            assertEquals(3, store.progress().pending(), "the refused open wrote nothing");
        }
    }

    @Test
    void aClosedStoreSaysSo() {
        TrialStore store = TrialStore.open(url);
        store.close();
        store.close();
        assertMessage(assertThrows(IllegalStateException.class, store::progress), "is closed");
    }

    @Test
    void specsAndResultsReadBackExactly() {
        TrialSpec odd = TrialSpec.of("sp", 4096, -7)
                .with("log2Lr", -1.0 / 3)
                .with("weightDecay", 1e-300)
                .with("zero", -0.0);
        try (TrialStore store = TrialStore.open(url)) {
            store.initialize(DEFINITION, List.of(odd));
            ClaimedTrial c = store.claim("w", Duration.ofSeconds(5)).orElseThrow();
            assertEquals(odd, c.spec());
            TrialResult result = new TrialResult(Math.PI, Double.MIN_VALUE, Integer.MAX_VALUE, 12345.678);
            assertTrue(store.complete(c, result));
            TrialRecord r = store.trials().get(0);
            assertEquals(odd, r.spec());
            assertEquals(result, r.result());
            assertNull(store.trial(2).orElse(null));
        }
    }

    @Test
    void aGivenTrialIsClaimedOnlyWhenPendingOrItsLeaseExpired() throws Exception {
        try (TrialStore store = TrialStore.open(url)) {
            store.initialize(DEFINITION, grid(3));
            ClaimedTrial first = store.claim(2, "a", Duration.ofMillis(300)).orElseThrow();
            assertEquals(2, first.id());
            assertEquals(grid(3).get(1), first.spec());
            assertTrue(store.claim(2, "b", Duration.ofMinutes(1)).isEmpty(), "held under a live lease");
            Thread.sleep(600);
            ClaimedTrial second = store.claim(2, "b", Duration.ofMinutes(1)).orElseThrow(); // a's lease expired
            assertFalse(store.complete(first, new TrialResult(1, 1, 1, 0)), "the stale claim records nothing");
            assertTrue(store.complete(second, new TrialResult(1, 1, 1, 0)));
            assertTrue(store.claim(2, "c", Duration.ofMinutes(1)).isEmpty(), "finished");
            assertTrue(store.claim(99, "c", Duration.ofMinutes(1)).isEmpty(), "no such trial");
            TrialRecord r = store.trial(2).orElseThrow();
            assertEquals(2, r.attempts());
            assertEquals("b", r.worker());
            assertEquals(1, store.progress().completed());
            assertEquals(2, store.progress().pending(), "the other trials are untouched");
        }
    }

    @Test
    void runTrialWaitsForAnotherWorkersClaimAndRecordsNothingTwice() throws Exception {
        try (TrialStore store = TrialStore.open(url); TrialStore other = TrialStore.open(url)) {
            store.initialize(DEFINITION, grid(2));
            ClaimedTrial held = other.claim(1, "other", Duration.ofMinutes(1)).orElseThrow();
            AtomicInteger trained = new AtomicInteger();
            SweepWorker worker = new SweepWorker(store, "spark-task", Duration.ofMinutes(1), spec -> {
                trained.incrementAndGet();
                return new TrialResult(2, 2, 1, 0);
            }, SweepListener.NONE, Duration.ofMillis(20));
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                Future<Boolean> copy = pool.submit(() -> worker.runTrial(1));
                Thread.sleep(200);
                assertFalse(copy.isDone(), "waits while the other claim is live");
                assertTrue(other.complete(held, new TrialResult(1, 1, 1, 0)));
                assertFalse(copy.get(30, TimeUnit.SECONDS), "the other worker recorded it");
            } finally {
                pool.shutdownNow();
            }
            assertEquals(0, trained.get(), "not trained again");
            assertTrue(worker.runTrial(2), "a pending trial is trained and recorded");
            assertEquals(1, trained.get());
            assertEquals(2, store.progress().completed());
        }
    }
}
