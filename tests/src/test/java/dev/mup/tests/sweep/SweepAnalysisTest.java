package dev.mup.tests.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mup.workflow.sweep.SweepAnalysis;
import dev.mup.workflow.sweep.SweepAnalysis.CurvePoint;
import dev.mup.workflow.sweep.TrialRecord;
import dev.mup.workflow.sweep.TrialResult;
import dev.mup.workflow.sweep.TrialSpec;
import dev.mup.workflow.sweep.TrialStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The transfer measures of a sweep: the fitted optimum, the transfer regret and the verdict
 * built on them, on curves whose answers are known by construction.
 */
class SweepAnalysisTest {

    private static final int[] WIDTHS = {64, 128, 256, 512};

    /** Points of loss(log2 lr) on the grid −12…−4 for one parametrization and width. */
    private static void curve(List<CurvePoint> out, String param, int width, DoubleUnaryOperator loss) {
        for (int x = -12; x <= -4; x++) {
            out.add(new CurvePoint(param, width, x, loss.applyAsDouble(x)));
        }
    }

    @Test
    void fittedOptimumIsTheVertexOfAParabolaBetweenGridPoints() {
        List<CurvePoint> points = new ArrayList<>();
        curve(points, "mup", 64, x -> 2.0 + 0.05 * (x + 6.3) * (x + 6.3));
        SweepAnalysis analysis = SweepAnalysis.ofCurves(points);

        SweepAnalysis.FittedOptimum fit = analysis.fittedOptimum("mup", 64).orElseThrow();
        assertTrue(fit.interpolated());
        assertEquals(-6.3, fit.log2Lr(), 1e-12);
        assertEquals(2.0, fit.loss(), 1e-12);
        assertEquals(-6.0, analysis.optimum("mup", 64).orElseThrow().log2Lr());
    }

    @Test
    void fittedOptimumStaysOnTheGridAtItsEdgeOrNextToADivergedPoint() {
        List<CurvePoint> points = new ArrayList<>();
        curve(points, "mup", 64, x -> 3.0 - 0.1 * x);                              // best at −4, the edge
        curve(points, "mup", 128, x -> x == -5 ? Double.NaN : 2.0 + Math.abs(x + 6)); // neighbour diverged
        SweepAnalysis analysis = SweepAnalysis.ofCurves(points);

        SweepAnalysis.FittedOptimum edge = analysis.fittedOptimum("mup", 64).orElseThrow();
        assertFalse(edge.interpolated());
        assertEquals(-4.0, edge.log2Lr());
        assertTrue(analysis.optimumAtGridEdge("mup", 64), "the best learning rate is the highest swept");
        assertFalse(analysis.optimumAtGridEdge("mup", 128));
        SweepAnalysis.FittedOptimum nextToDiverged = analysis.fittedOptimum("mup", 128).orElseThrow();
        assertFalse(nextToDiverged.interpolated());
        assertEquals(-6.0, nextToDiverged.log2Lr());
    }

    /**
     * The case that misled the argmin: a flat basin with noise between the grid points. Under μP
     * the curves are the same shape at every width (lower when wider) and the argmin wanders by two
     * grid steps on noise of 0.001; under SP the whole curve moves one grid step left per doubling.
     */
    @Test
    void aFlatBasinIsNotReadAsAShiftButARealDriftIs() {
        double[] noise = {0.0, -0.0012, 0.0009, 0.0011};
        List<CurvePoint> points = new ArrayList<>();
        for (int i = 0; i < WIDTHS.length; i++) {
            double level = 2.3 - 0.05 * i;
            double wiggle = noise[i];
            // flat bottom over −8…−5, the argmin decided by the noise
            curve(points, "mup", WIDTHS[i], x -> level + 0.002 * Math.max(0, Math.abs(x + 6.5) - 1.5)
                    + 0.2 * Math.max(0, Math.abs(x + 6.5) - 1.5) * Math.max(0, Math.abs(x + 6.5) - 1.5)
                    + (x == -8 ? wiggle : 0) + (x == -5 ? -wiggle : 0));
            double centre = -6.5 - i;
            curve(points, "sp", WIDTHS[i], x -> level + 0.2 * (x - centre) * (x - centre));
        }
        SweepAnalysis analysis = SweepAnalysis.ofCurves(points);

        assertTrue(analysis.shift("mup").getAsInt() >= 2, "the argmin alone sees a shift under μP");
        assertTrue(analysis.maxRelativeRegret("mup").getAsDouble() < 0.002);
        assertTrue(analysis.transfers("mup", SweepAnalysis.DEFAULT_REGRET_TOLERANCE));

        assertEquals(3.0, analysis.fittedShift("sp").getAsDouble(), 1e-9);
        assertTrue(analysis.maxRelativeRegret("sp").getAsDouble() > 0.05);
        assertFalse(analysis.transfers("sp", SweepAnalysis.DEFAULT_REGRET_TOLERANCE));
    }

    @Test
    void regretCopiesEveryHyperparameterOfTheProxyAndAveragesSeeds() {
        // two hyperparameters: the proxy's best is (lr −6, initStd 0.5); at width 128 the best is
        // (lr −6, initStd 1.0), so copying costs the initStd difference, averaged over two seeds
        Map<Double, Double> proxyLoss = Map.of(0.5, 1.0, 1.0, 1.2);
        Map<Double, Double> wideLoss = Map.of(0.5, 0.95, 1.0, 0.90);
        List<TrialRecord> trials = new ArrayList<>();
        long id = 1;
        for (int seed = 1; seed <= 2; seed++) {
            double seedOffset = seed == 1 ? -0.01 : 0.01;
            for (double initStd : new double[] {0.5, 1.0}) {
                for (double lr : new double[] {-7, -6, -5}) {
                    double penalty = 0.1 * Math.abs(lr + 6);
                    trials.add(done(id++, TrialSpec.of("mup", 64, seed).with("log2Lr", lr).with("initStd", initStd),
                            proxyLoss.get(initStd) + penalty + seedOffset));
                    trials.add(done(id++, TrialSpec.of("mup", 128, seed).with("log2Lr", lr).with("initStd", initStd),
                            wideLoss.get(initStd) + penalty + seedOffset));
                }
            }
        }
        // a running trial is not counted
        trials.add(new TrialRecord(id, TrialSpec.of("mup", 128, 3).with("log2Lr", -6.0).with("initStd", 0.5),
                TrialStatus.RUNNING, null, "w", 1));
        SweepAnalysis analysis = SweepAnalysis.of(trials);

        List<SweepAnalysis.TransferRegret> regrets = analysis.transferRegrets("mup");
        assertEquals(2, regrets.size());
        assertEquals(0.0, regrets.get(0).regret(), 1e-12);
        SweepAnalysis.TransferRegret wide = regrets.get(1);
        assertEquals(64, wide.proxyWidth());
        assertEquals(0.95, wide.lossAtProxyBest(), 1e-12);
        assertEquals(0.90, wide.bestLoss(), 1e-12);
        assertEquals(0.05, wide.regret(), 1e-12);
        assertEquals(0.05 / 0.90, wide.relativeRegret(), 1e-12);
        assertFalse(analysis.transfers("mup", 0.01));
        assertTrue(analysis.transfers("mup", 0.06));
    }

    @Test
    void theProxysValueDivergingWiderIsAnInfiniteRegret() {
        List<CurvePoint> points = new ArrayList<>();
        curve(points, "sp", 64, x -> 2.0 + 0.1 * (x + 5) * (x + 5));
        curve(points, "sp", 256, x -> x >= -5 ? Double.NaN : 1.9 + 0.1 * (x + 8) * (x + 8));
        SweepAnalysis analysis = SweepAnalysis.ofCurves(points);

        SweepAnalysis.TransferRegret wide = analysis.transferRegrets("sp").get(1);
        assertTrue(Double.isNaN(wide.lossAtProxyBest()));
        assertEquals(Double.POSITIVE_INFINITY, wide.regret());
        assertFalse(analysis.transfers("sp", 0.5));
        Map<String, Object> json = analysis.toJsonTree();
        assertEquals(false, ((Map<?, ?>) json.get("transfers")).get("sp"));
        assertEquals(null, ((Map<?, ?>) json.get("maxRelativeRegret")).get("sp"));
    }

    @Test
    void theTrainingMetricReadsTheTrainingLossAndOptimaApartCountsGridSteps() {
        List<TrialRecord> trials = new ArrayList<>();
        long id = 0;
        for (int x = -9; x <= -3; x++) {
            TrialSpec spec = new TrialSpec("mup", 64, 1, new java.util.TreeMap<>(Map.of("log2Lr", (double) x)));
            // training best at −4, validation best at −8: four grid steps apart
            trials.add(new TrialRecord(++id, spec, TrialStatus.COMPLETED,
                    new TrialResult(1 + Math.abs(x + 4), 2 + Math.abs(x + 8), 10, 0.1), "w", 1));
        }
        SweepAnalysis valid = SweepAnalysis.of(trials);
        SweepAnalysis train = SweepAnalysis.of(trials, SweepAnalysis.Metric.TRAINING);
        assertEquals(SweepAnalysis.Metric.VALIDATION, valid.metric());
        assertEquals(-8.0, valid.optimum("mup", 64).orElseThrow().log2Lr());
        assertEquals(2.0, valid.optimum("mup", 64).orElseThrow().loss());
        assertEquals(-4.0, train.optimum("mup", 64).orElseThrow().log2Lr());
        assertEquals(1.0, train.optimum("mup", 64).orElseThrow().loss());
        assertEquals("training", train.toJsonTree().get("metric"));

        List<SweepAnalysis.Disagreement> apart = train.optimaApart(valid, 2);
        assertEquals(1, apart.size());
        assertEquals(4, apart.get(0).gridSteps());
        assertEquals(-4.0, apart.get(0).here().log2Lr());
        assertEquals(-8.0, apart.get(0).there().log2Lr());
        assertTrue(train.optimaApart(valid, 5).isEmpty(), "four steps are fewer than five");
        assertTrue(train.optimaApart(train, 1).isEmpty(), "an analysis agrees with itself");
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> train.optimaApart(valid, 0));
        assertEquals(SweepAnalysis.Metric.TRAINING, SweepAnalysis.Metric.of(" Training "));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> SweepAnalysis.Metric.of("accuracy"));
    }

    private static TrialRecord done(long id, TrialSpec spec, double validLoss) {
        return new TrialRecord(id, spec, TrialStatus.COMPLETED, new TrialResult(validLoss, validLoss, 10, 0.1), "w", 1);
    }
}
