package dev.mup.tests.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mup.workflow.sweep.SweepProgress;
import dev.mup.workflow.sweep.SweepWorker;
import dev.mup.workflow.sweep.TrialResult;
import dev.mup.workflow.sweep.TrialSpec;
import dev.mup.workflow.sweep.TrialStore;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Trial specs, results and store URLs: every bad input is refused with a message naming it, before any database is touched. */
class SweepInputTest {

    private static void assertMessage(Class<? extends Throwable> type, Executable call, String... parts) {
        SweepStoreContract.assertMessage(assertThrows(type, call), parts);
    }

    private static TreeMap<String, Double> map(Object... nameValues) {
        TreeMap<String, Double> m = new TreeMap<>();
        for (int i = 0; i < nameValues.length; i += 2) {
            m.put((String) nameValues[i], (Double) nameValues[i + 1]);
        }
        return m;
    }

    @Test
    void keyIsCanonical() {
        TrialSpec spec = new TrialSpec("mup", 128, 1, map("outputMultiplier", 1.0, "log2Lr", -8.0));
        assertEquals("mup|width=128|seed=1|log2Lr=-8.0|outputMultiplier=1.0", spec.key());
        assertEquals(spec, TrialSpec.of("mup", 128, 1).with("outputMultiplier", 1).with("log2Lr", -8));
        assertEquals(spec, TrialSpec.parseKey(spec.key()));
        assertEquals("sp|width=64|seed=-3", TrialSpec.of("sp", 64, -3).key());
        assertEquals("mup|width=8|seed=0|wd=0.0", TrialSpec.of("mup", 8, 0).with("wd", -0.0).key(),
                "-0.0 and 0.0 are one grid point");
        TrialSpec tiny = TrialSpec.of("mup", 8, 0).with("lr", 1.0 / 3).with("eps", 1e-12);
        assertEquals(tiny, TrialSpec.parseKey(tiny.key()), "values read back exactly");
    }

    @Test
    void specIsImmutable() {
        TreeMap<String, Double> h = map("log2Lr", -8.0);
        TrialSpec spec = new TrialSpec("mup", 128, 1, h);
        h.put("log2Lr", 0.0);
        assertEquals(-8.0, spec.hyperparameter("log2Lr"));
        assertThrows(UnsupportedOperationException.class, () -> spec.hyperparameters().put("x", 1.0));
    }

    @Test
    void badSpecs() {
        assertMessage(IllegalArgumentException.class, () -> TrialSpec.of(" ", 64, 0), "parametrization ' '");
        assertMessage(IllegalArgumentException.class, () -> TrialSpec.of("", 64, 0), "parametrization ''", "non-blank");
        assertMessage(IllegalArgumentException.class, () -> TrialSpec.of("mu|p", 64, 0), "mu|p");
        assertMessage(IllegalArgumentException.class, () -> TrialSpec.of("mup", 0, 0), "width", "0");
        assertMessage(IllegalArgumentException.class, () -> TrialSpec.of("mup", -64, 0), "width", "-64");
        assertMessage(IllegalArgumentException.class, () -> TrialSpec.of("mup", 64, 0).with("log2Lr", Double.NaN),
                "log2Lr", "finite", "NaN");
        assertMessage(IllegalArgumentException.class,
                () -> TrialSpec.of("mup", 64, 0).with("lr", Double.NEGATIVE_INFINITY), "lr", "finite");
        assertMessage(IllegalArgumentException.class, () -> TrialSpec.of("mup", 64, 0).with("log2 lr", 1),
                "'log2 lr'");
        assertMessage(IllegalArgumentException.class, () -> TrialSpec.of("mup", 64, 0).with("width", 1), "'width'");
        assertMessage(IllegalArgumentException.class, () -> TrialSpec.of("mup", 64, 0).hyperparameter("lr"),
                "no hyperparameter 'lr'");
        assertMessage(IllegalArgumentException.class, () -> TrialSpec.parseKey("mup|seed=1"), "not a trial key");
        assertMessage(IllegalArgumentException.class, () -> TrialSpec.parseKey("mup|width=8|seed=1|lr=x"), "not a number");
        Map<String, Double> withNull = new TreeMap<>();
        withNull.put("lr", null);
        assertMessage(IllegalArgumentException.class,
                () -> new TrialSpec("mup", 64, 0, new TreeMap<>(withNull)), "lr", "finite");
    }

    @Test
    void resultsAndProgress() {
        assertFalse(new TrialResult(1, 2, 10, 0.5).diverged());
        assertTrue(new TrialResult(Double.NaN, 2, 10, 0.5).diverged());
        assertTrue(new TrialResult(1, Double.POSITIVE_INFINITY, 10, 0.5).diverged());
        assertTrue(new TrialResult(Double.NEGATIVE_INFINITY, 2, 10, 0.5).diverged());
        assertMessage(IllegalArgumentException.class, () -> new TrialResult(1, 1, -1, 0), "steps", "-1");
        assertMessage(IllegalArgumentException.class, () -> new TrialResult(1, 1, 1, Double.NaN), "seconds");
        SweepProgress p = new SweepProgress(10, 2, 3, 4, 1);
        assertEquals(5, p.done());
        assertFalse(p.finished());
        assertTrue(new SweepProgress(2, 0, 0, 1, 1).finished());
        assertMessage(IllegalArgumentException.class, () -> new SweepProgress(9, 2, 3, 4, 1), "total 9");
    }

    @Test
    void urlsThatAreNotStores() {
        String expected = "--store must be jdbc:sqlite:FILE or jdbc:postgresql://host/db";
        assertMessage(IllegalArgumentException.class, () -> TrialStore.open("sweep.db"), "'sweep.db'", expected);
        assertMessage(IllegalArgumentException.class, () -> TrialStore.open("jdbc:mysql://db/sweeps"), "mysql", expected);
        assertMessage(IllegalArgumentException.class, () -> TrialStore.open("jdbc:sqlite:"), expected);
        assertMessage(IllegalArgumentException.class, () -> TrialStore.open(""), expected);
        assertMessage(IllegalArgumentException.class, () -> TrialStore.open(null), expected);
        assertMessage(IllegalArgumentException.class,
                () -> TrialStore.open("postgresql://db/sweeps?password=hunter2"), "password=***", expected);
    }

    @Test
    void malformedPostgresUrl() {
        // A broken percent-escape in the database name: the driver refuses the URL without connecting.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrialStore.open("jdbc:postgresql://127.0.0.1/sweeps%zz?user=u&password=hunter2"));
        SweepStoreContract.assertMessage(e, "malformed trial store URL",
                "jdbc:postgresql://127.0.0.1/sweeps%zz?user=u&password=***",
                "--store must be jdbc:sqlite:FILE or jdbc:postgresql://host/db");
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    }

    @Test
    void unreachableServerNamesTheUrlWithoutItsPassword() {
        // Port 1 on the loopback interface: nothing listens there, so the connection is refused at once.
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> TrialStore.open("jdbc:postgresql://127.0.0.1:1/sweeps?user=mup&password=hunter2"));
        SweepStoreContract.assertMessage(e, "cannot open the trial store",
                "jdbc:postgresql://127.0.0.1:1/sweeps?user=mup&password=***", "127.0.0.1:1");
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
        assertTrue(e.getCause() instanceof java.sql.SQLException, "the driver's exception is the cause");
    }

    @Test
    void badWorkers() {
        TrialStore store = new UnusedStore();
        assertMessage(IllegalArgumentException.class,
                () -> new SweepWorker(store, " ", Duration.ofSeconds(1), spec -> null, null), "worker's id");
        assertMessage(IllegalArgumentException.class,
                () -> new SweepWorker(store, "w", Duration.ZERO, spec -> null, null), "lease", "PT0S");
        assertMessage(IllegalArgumentException.class,
                () -> new SweepWorker(store, "w", Duration.ofSeconds(1), spec -> null, null, Duration.ofMillis(-1)),
                "poll interval");
        assertTrue(SweepWorker.defaultWorkerId().endsWith("-" + ProcessHandle.current().pid()));
    }

    /** A store the worker constructor only holds. */
    private static final class UnusedStore implements TrialStore {
        @Override public void initialize(String definitionJson, java.util.List<TrialSpec> trials) { throw new AssertionError(); }
        @Override public java.util.Optional<String> definition() { throw new AssertionError(); }
        @Override public java.util.Optional<dev.mup.workflow.sweep.ClaimedTrial> claim(String worker, Duration lease) { throw new AssertionError(); }
        @Override public boolean renew(dev.mup.workflow.sweep.ClaimedTrial trial, Duration lease) { throw new AssertionError(); }
        @Override public boolean complete(dev.mup.workflow.sweep.ClaimedTrial trial, TrialResult result) { throw new AssertionError(); }
        @Override public void release(dev.mup.workflow.sweep.ClaimedTrial trial) { throw new AssertionError(); }
        @Override public java.util.List<dev.mup.workflow.sweep.TrialRecord> trials() { throw new AssertionError(); }
        @Override public java.util.Optional<dev.mup.workflow.sweep.TrialRecord> trial(long id) { throw new AssertionError(); }
        @Override public SweepProgress progress() { throw new AssertionError(); }
        @Override public void close() {}
    }
}
