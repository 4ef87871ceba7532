package dev.mup.tests.depth;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mup.examples.gpt.CharCorpus;
import dev.mup.examples.gpt.GptCoordinateCheck;
import dev.mup.runtime.MuOptions;
import dev.mup.runtime.coord.CoordinateCheckResult;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The depth coordinate check on the example GPT (width 32, two heads, μP Adam lr 1e-2, the
 * built-in corpus, base depth 2): after four steps the residual stream after the last block stays
 * flat from depth 2 to 8 under CompleteP (α = 1) and depth-μP (α = ½), and grows with depth
 * without depth scaling (α = 0), where the L unscaled branches each add their update.
 */
class DepthCoordinateCheckTest {

    private static final int WIDTH = 32;
    private static final int STEPS = 4;

    /** The l1 of the residual stream after the last block at step T, per depth; prints the run. */
    static double[] run(double alpha, List<Integer> depths) {
        CoordinateCheckResult r = GptCoordinateCheck.depthBuilder(CharCorpus.builtIn(),
                        MuOptions.builder().depthExponent(alpha).build(), 1e-2f, WIDTH, depths, STEPS, 1)
                .build()
                .run((done, total) -> {});
        double[] last = new double[depths.size()];
        for (int t = 1; t <= STEPS; t++) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                    "depth check α %.1f t %d  residual stream at depths %s:", alpha, t, depths));
            for (int i = 0; i < depths.size(); i++) {
                double v = GptCoordinateCheck.residualStream(r, depths.get(i), t);
                line.append(String.format(Locale.ROOT, " %.3f", v));
                if (t == STEPS) {
                    last[i] = v;
                }
            }
            line.append("  | block 0 output:");
            for (int d : depths) {
                line.append(String.format(Locale.ROOT, " %.3f", r.l1("blocks.0.mlpResidual", d, t)));
            }
            line.append("  | logits:");
            for (int d : depths) {
                line.append(String.format(Locale.ROOT, " %.3f", r.l1(CoordinateCheckResult.OUTPUT, d, t)));
            }
            System.out.println(line);
        }
        return last;
    }

    private static double spread(double[] values) {
        return Arrays.stream(values).max().orElseThrow() / Arrays.stream(values).min().orElseThrow();
    }

    @Test
    void residualStreamIsFlatInDepthWithDepthScalingAndGrowsWithout() {
        List<Integer> depths = List.of(2, 4, 8);
        double[] off = run(0, depths);
        assertTrue(off[1] > off[0] && off[2] > off[1], "α = 0: grows with depth " + Arrays.toString(off));
        assertTrue(off[2] > 2 * off[0], "α = 0: over 2× from depth 2 to 8 " + Arrays.toString(off));
        for (double alpha : new double[] {0.5, 1.0}) {
            double[] scaled = run(alpha, depths);
            assertTrue(spread(scaled) < 1.5, "α = " + alpha + ": within 1.5× from depth 2 to 8 " + Arrays.toString(scaled));
        }
    }

    /**
     * The record of docs/BENCHMARKS.md, only when asked:
     * {@code mvn -o verify -pl tests -Dtest=DepthCoordinateCheckTest#record -Dmup.depthCheck.depths=2,4,8,16}.
     */
    @Test
    @EnabledIfSystemProperty(named = "mup.depthCheck.depths", matches = ".+")
    void record() {
        List<Integer> depths = Arrays.stream(System.getProperty("mup.depthCheck.depths").split(","))
                .map(String::trim).map(Integer::valueOf).toList();
        for (double alpha : new double[] {0, 0.5, 1}) {
            run(alpha, depths);
        }
    }
}
