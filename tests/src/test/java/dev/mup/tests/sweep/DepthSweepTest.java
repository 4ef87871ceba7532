package dev.mup.tests.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mup.runtime.EpsilonScaling;
import dev.mup.runtime.precision.Precision;
import dev.mup.workflow.sweep.ClaimedTrial;
import dev.mup.workflow.sweep.SearchSpace;
import dev.mup.workflow.sweep.Sweep;
import dev.mup.workflow.sweep.SweepAnalysis;
import dev.mup.workflow.sweep.SweepSettings;
import dev.mup.workflow.sweep.TrialRecord;
import dev.mup.workflow.sweep.TrialResult;
import dev.mup.workflow.sweep.TrialSpec;
import dev.mup.workflow.sweep.TrialStatus;
import dev.mup.workflow.sweep.TrialStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.DoubleBinaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sweeps over depth: the trial key (depth-less keys unchanged), the settings and their stored
 * definition, the store's round trip, and the analysis along depth on curves whose optima are
 * known by construction.
 */
class DepthSweepTest {

    private static final int[] DEPTHS = {2, 4, 8, 16};

    @TempDir Path dir;

    private static TreeMap<String, Double> lr(double log2Lr) {
        TreeMap<String, Double> h = new TreeMap<>();
        h.put("log2Lr", log2Lr);
        return h;
    }

    private static SweepSettings settings(List<Integer> widths, List<Integer> depths, double alpha, String optimizer) {
        return new SweepSettings("gpt", Map.of("layers", "2"), List.of("mup"), widths, 1, 200, 8, optimizer,
                0.9, 0.95, "gpt", 8, SearchSpace.grid(List.of("log2Lr=-10:-3:1")).describe(), Precision.FP32,
                EpsilonScaling.FIXED, SweepSettings.DEFAULT_EPSILON, depths, alpha);
    }

    @Test
    void aDepthlessKeyIsTheKeyItAlwaysWasAndADepthGoesAfterTheWidth() {
        TrialSpec plain = new TrialSpec("mup", 128, 1, lr(-8));
        assertEquals("mup|width=128|seed=1|log2Lr=-8.0", plain.key());
        assertEquals(0, plain.depth());
        assertEquals(plain, TrialSpec.parseKey("mup|width=128|seed=1|log2Lr=-8.0"));

        TrialSpec deep = new TrialSpec("mup", 64, 1, lr(-8), 16);
        assertEquals("mup|width=64|depth=16|seed=1|log2Lr=-8.0", deep.key());
        assertEquals(deep, TrialSpec.parseKey(deep.key()));
        assertEquals(16, TrialSpec.parseKey(deep.key()).depth());
        assertEquals(deep, new TrialSpec("mup", 64, 1, lr(-8)).atDepth(16));
        assertEquals(new TrialSpec("mup", 64, 1, lr(-7), 16), deep.with("log2Lr", -7), "with keeps the depth");
    }

    @Test
    void badDepthsInSpecsAndKeysAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new TrialSpec("mup", 64, 1, lr(-8), -1));
        assertThrows(IllegalArgumentException.class, () -> TrialSpec.parseKey("mup|width=64|depth=0|seed=1"));
        assertThrows(IllegalArgumentException.class, () -> TrialSpec.parseKey("mup|width=64|depth=x|seed=1"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TrialSpec("mup", 64, 1, lr(-8)).with("depth", 4));
        assertTrue(e.getMessage().contains("'depth'"), e.getMessage());
    }

    @Test
    void settingsOverDepthAreStoredAndReadBack() {
        SweepSettings s = settings(List.of(64), List.of(16, 2, 8, 4), 1.0, "adamw-scaled");
        assertEquals(List.of(2, 4, 8, 16), s.depths(), "sorted");
        assertTrue(s.overDepth());
        assertEquals("depth", s.axis());
        String json = s.toJson();
        assertTrue(json.contains("\"depths\"") && json.contains("\"depthExponent\": 1.0"), json);
        assertEquals(s, SweepSettings.fromJson(json));

        SweepSettings plain = settings(List.of(64, 128), List.of(), 0, "adamw");
        assertFalse(plain.toJson().contains("depth"), "a sweep without depth writes the definition it always did: "
                + plain.toJson());
        assertEquals("width", plain.axis());
        // a definition written before depth existed reads as no depth axis, α = 0
        SweepSettings old = SweepSettings.fromJson("{\"kind\": \"mup-sweep\", \"task\": \"gpt\","
                + " \"parametrizations\": [\"mup\"], \"widths\": [64], \"seeds\": 1, \"steps\": 10, \"batch\": 8,"
                + " \"optimizer\": \"adamw\", \"beta1\": 0.9, \"beta2\": 0.95, \"validBatches\": 1,"
                + " \"space\": {\"grid\": {\"log2Lr\": [-8.0]}}}");
        assertEquals(List.of(), old.depths());
        assertEquals(0.0, old.depthExponent());
    }

    @Test
    void badDepthSettingsAreRefusedWithWhatToDo() {
        assertMessage(() -> settings(List.of(64, 128), List.of(2, 4), 1, "adamw"), "exactly one --widths value");
        assertMessage(() -> settings(List.of(64), List.of(0, 4), 1, "adamw"), "--depths must be distinct positive");
        assertMessage(() -> settings(List.of(64), List.of(4, 4), 1, "adamw"), "--depths must be distinct positive");
        assertMessage(() -> settings(List.of(64), List.of(2, 4), 1.5, "adamw"), "--depth-exponent must be in [0, 1]");
        assertMessage(() -> settings(List.of(64), List.of(2, 4), -0.5, "adamw"), "--depth-exponent must be in [0, 1]");
        assertMessage(() -> settings(List.of(64), List.of(2, 4), 1, "lamb"), "adamw-scaled");
    }

    private static void assertMessage(Runnable r, String part) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }

    @Test
    void theStoreKeepsEachTrialsDepth() throws Exception {
        SweepSettings s = settings(List.of(64), List.of(2, 16), 1.0, "adamw-scaled");
        List<TrialSpec> trials = Sweep.trials(s, SearchSpace.grid(List.of("log2Lr=-8,-7")).points());
        assertEquals(List.of(
                "mup|width=64|depth=2|seed=1|log2Lr=-8.0",
                "mup|width=64|depth=2|seed=1|log2Lr=-7.0",
                "mup|width=64|depth=16|seed=1|log2Lr=-8.0",
                "mup|width=64|depth=16|seed=1|log2Lr=-7.0"), trials.stream().map(TrialSpec::key).toList());
        String url = "jdbc:sqlite:" + dir.resolve("depth.db");
        try (TrialStore store = TrialStore.open(url)) {
            store.initialize(s.toJson(), trials);
        }
        try (TrialStore store = TrialStore.open(url)) {
            store.initialize(s.toJson(), trials); // the same sweep again: accepted, nothing added
            assertEquals(s, SweepSettings.fromJson(store.definition().orElseThrow()));
            ClaimedTrial claimed;
            while ((claimed = store.claim("w", Duration.ofMinutes(1)).orElse(null)) != null) {
                assertTrue(claimed.spec().hasDepth(), claimed.spec().key());
                store.complete(claimed, new TrialResult(1.0, claimed.spec().depth() / 100.0, 3, 0.5));
            }
            List<TrialRecord> records = store.trials();
            assertEquals(trials, records.stream().map(TrialRecord::spec).toList());
            for (TrialRecord r : records) {
                assertEquals(TrialStatus.COMPLETED, r.status());
                assertEquals(r.spec().depth() / 100.0, r.result().validLoss(), 0.0);
            }
        }
    }

    /** Trials along depth with loss {@code f(log2 lr, depth)} on the grid −10…−3. */
    private static List<TrialRecord> records(String param, DoubleBinaryOperator loss, List<TrialRecord> out) {
        long id = out.size();
        for (int depth : DEPTHS) {
            for (int x = -10; x <= -3; x++) {
                double v = loss.applyAsDouble(x, depth);
                TrialSpec spec = new TrialSpec(param, 64, 1, lr(x), depth);
                out.add(new TrialRecord(++id, spec, TrialStatus.COMPLETED, new TrialResult(v, v, 200, 1), "w", 1));
            }
        }
        return out;
    }

    /** Where a curve's true optimum lies: fixed in depth for one, one grid step lower per doubling for the other. */
    private static double fixedOptimum(double depth) {
        return depth == 2 ? -6.3 : depth == 4 ? -6.2 : depth == 8 ? -6.4 : -6.1;
    }

    private static double driftingOptimum(double depth) {
        return -6.3 - (Math.log(depth) / Math.log(2) - 1);
    }

    @Test
    void analysisAlongDepth() {
        List<TrialRecord> trials = new ArrayList<>();
        records("mup", (x, d) -> 2.0 + 0.05 * (x - fixedOptimum(d)) * (x - fixedOptimum(d)), trials);
        records("sp", (x, d) -> 2.0 + 0.05 * (x - driftingOptimum(d)) * (x - driftingOptimum(d)), trials);
        SweepAnalysis a = SweepAnalysis.of(trials);

        assertEquals("depth", a.axis());
        assertEquals(List.of(2, 4, 8, 16), a.widths("mup"), "the curves are per depth");
        assertEquals(2, a.proxyWidth("mup").getAsInt(), "the proxy is the shallowest depth");
        for (int d : DEPTHS) {
            // an exact parabola: the grid argmin is the nearest grid point, the fit its vertex
            assertEquals(Math.rint(fixedOptimum(d)), a.optimum("mup", d).orElseThrow().log2Lr(), "μP-like depth " + d);
            assertEquals(fixedOptimum(d), a.fittedOptimum("mup", d).orElseThrow().log2Lr(), 1e-9);
            assertEquals(Math.rint(driftingOptimum(d)), a.optimum("sp", d).orElseThrow().log2Lr(), "drift depth " + d);
            assertEquals(driftingOptimum(d), a.fittedOptimum("sp", d).orElseThrow().log2Lr(), 1e-9);
            assertFalse(a.optimumAtGridEdge("sp", d));
        }
        assertEquals(0, a.shift("mup").getAsInt());
        assertEquals(3, a.shift("sp").getAsInt(), "−6 → −9 over depth 2 → 16");
        assertEquals(Math.abs(fixedOptimum(16) - fixedOptimum(2)), a.fittedShift("mup").getAsDouble(), 1e-9);
        assertEquals(3.0, a.fittedShift("sp").getAsDouble(), 1e-9);
        // copying depth 2's −6 to depth 16, whose optimum is −9.3: 0.05·(3.3² − 0.3²) above the best
        SweepAnalysis.TransferRegret deepest = a.transferRegrets("sp").get(3);
        assertEquals(16, deepest.width());
        assertEquals(2, deepest.proxyWidth());
        assertEquals(0.05 * (3.3 * 3.3 - 0.3 * 0.3), deepest.regret(), 1e-9);
        assertEquals(0.05 * (3.3 * 3.3 - 0.3 * 0.3) / (2.0 + 0.05 * 0.09), deepest.relativeRegret(), 1e-9);
        assertTrue(a.transfers("mup", 0.01));
        assertFalse(a.transfers("sp", 0.01));

        Map<String, Object> json = a.toJsonTree();
        assertEquals("depth", json.get("axis"));
        @SuppressWarnings("unchecked")
        Map<String, Object> optimum = ((List<Map<String, Object>>) json.get("optima")).get(0);
        assertEquals(2, optimum.get("depth"));
        assertFalse(optimum.containsKey("width"), optimum.toString());
        @SuppressWarnings("unchecked")
        Map<String, Object> regret = ((List<Map<String, Object>>) json.get("transferRegret")).get(0);
        assertEquals(2, regret.get("proxyDepth"));
        assertTrue(json.containsKey("deeperIsBetter") && !json.containsKey("widerIsBetter"), json.keySet().toString());
    }

    @Test
    void anOptimumOnTheEdgeAlongDepthIsFlagged() {
        List<TrialRecord> trials = new ArrayList<>();
        records("mup", (x, d) -> 2.0 + 0.05 * (x - (d == 16 ? -11.0 : -6.0)) * (x - (d == 16 ? -11.0 : -6.0)), trials);
        SweepAnalysis a = SweepAnalysis.of(trials);
        assertTrue(a.optimumAtGridEdge("mup", 16), "depth 16 wants a rate below the grid");
        assertFalse(a.optimumAtGridEdge("mup", 8));
    }

    @Test
    void aSweepOverWidthStillAnalysesAlongWidth() {
        List<TrialRecord> trials = new ArrayList<>();
        long id = 0;
        for (int width : new int[] {64, 128}) {
            for (int x = -8; x <= -4; x++) {
                double v = 2 + 0.1 * (x + 6) * (x + 6);
                trials.add(new TrialRecord(++id, new TrialSpec("mup", width, 1, lr(x)), TrialStatus.COMPLETED,
                        new TrialResult(v, v, 10, 1), "w", 1));
            }
        }
        SweepAnalysis a = SweepAnalysis.of(trials);
        assertEquals("width", a.axis());
        assertEquals(List.of(64, 128), a.widths("mup"));
        Map<String, Object> json = a.toJsonTree();
        assertFalse(json.containsKey("axis"), "a width report is written as before");
        assertTrue(json.containsKey("widerIsBetter"));
    }

    @Test
    void trialsThatMixADepthAxisAndNoneAreRefused() {
        TrialResult r = new TrialResult(1, 1, 1, 1);
        List<TrialRecord> mixed = List.of(
                new TrialRecord(1, new TrialSpec("mup", 64, 1, lr(-8)), TrialStatus.COMPLETED, r, "w", 1),
                new TrialRecord(2, new TrialSpec("mup", 64, 1, lr(-8), 4), TrialStatus.COMPLETED, r, "w", 1));
        assertThrows(IllegalArgumentException.class, () -> SweepAnalysis.of(mixed));
    }
}
