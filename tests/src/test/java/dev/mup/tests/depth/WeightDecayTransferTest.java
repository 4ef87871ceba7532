package dev.mup.tests.depth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.mup.examples.mlp.MlpMuP;
import dev.mup.runtime.MuAdam;
import dev.mup.runtime.MuOptions;
import dev.mup.runtime.WeightDecayMode;
import dev.mup.tests.support.Models;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Which weight-decay convention keeps the decay of a hidden matrix the same at every width: one
 * μP Adam step (η = 1e-3, λ = 0.1 at base width 64) on the example MLP's hidden weight set to
 * ones, with a zero loss gradient, at widths 64 → 1024; the applied decay is {@code 1 − w}
 * afterwards. Expected from the conventions: coupled (L2 through Adam, whose normalization
 * leaves a step of the lr's size) {@code η/m}; decoupled (AdamW, mup) {@code η·λ/m}; independent
 * {@code λ}; decoupled with {@code λ·m_N} (CompleteP, Megatron-LM) {@code η·λ}. Prints the table
 * of docs/BENCHMARKS.md ("Weight decay that transfers").
 */
class WeightDecayTransferTest {

    private static final float LR = 1e-3f;
    private static final float WD = 0.1f;
    private static final List<Integer> WIDTHS = List.of(64, 128, 256, 512, 1024);

    @Test
    void onlyIndependentAndScaledDecoupledDecayStayConstantInWidth() {
        Map<WeightDecayMode, double[]> applied = new LinkedHashMap<>();
        for (WeightDecayMode mode : List.of(WeightDecayMode.COUPLED, WeightDecayMode.DECOUPLED,
                WeightDecayMode.INDEPENDENT, WeightDecayMode.DECOUPLED_SCALED)) {
            double[] row = new double[WIDTHS.size()];
            for (int i = 0; i < WIDTHS.size(); i++) {
                row[i] = appliedDecay(WIDTHS.get(i), mode);
            }
            applied.put(mode, row);
        }
        StringBuilder table = new StringBuilder("| convention | wd of a hidden matrix |");
        WIDTHS.forEach(w -> table.append(" width ").append(w).append(" |"));
        table.append("\n|---|---|").append("---|".repeat(WIDTHS.size())).append('\n');
        Map<WeightDecayMode, String> rule = Map.of(
                WeightDecayMode.COUPLED, "λ·m_in (L2, mup)",
                WeightDecayMode.DECOUPLED, "λ (AdamW, mup)",
                WeightDecayMode.INDEPENDENT, "λ, not × lr",
                WeightDecayMode.DECOUPLED_SCALED, "λ·m_in (AdamW, CompleteP)");
        applied.forEach((mode, row) -> {
            table.append("| ").append(mode).append(" | ").append(rule.get(mode)).append(" |");
            for (double d : row) {
                table.append(String.format(Locale.ROOT, " %.3g |", d));
            }
            table.append('\n');
        });
        System.out.println("Applied decay 1 − w of a hidden weight w = 1 after one μP Adam step with zero"
                + " gradient (η = " + LR + ", λ = " + WD + ", base width 64):\n" + table);

        // 1 − w is measured in float next to 1: to within two units in the last place of 1
        double resolution = 2 * Math.ulp(1f);
        for (int i = 0; i < WIDTHS.size(); i++) {
            double m = WIDTHS.get(i) / 64.0;
            assertEquals(LR / m, applied.get(WeightDecayMode.COUPLED)[i], resolution, "coupled at m " + m);
            assertEquals(LR * WD / m, applied.get(WeightDecayMode.DECOUPLED)[i], resolution,
                    "decoupled at m " + m);
            assertEquals(WD, applied.get(WeightDecayMode.INDEPENDENT)[i], resolution, "independent at m " + m);
            assertEquals(LR * WD, applied.get(WeightDecayMode.DECOUPLED_SCALED)[i], resolution,
                    "decoupled λ·m_N at m " + m);
        }
        // and the two that should not move, do not move between widths beyond that resolution
        double[] scaled = applied.get(WeightDecayMode.DECOUPLED_SCALED);
        assertEquals(scaled[0], scaled[scaled.length - 1], resolution, "decoupled λ·m_N, 64 vs 1024");
    }

    private static double appliedDecay(int width, WeightDecayMode mode) {
        try (NDManager manager = NDManager.newBaseManager()) {
            MlpMuP model = Models.mlp(manager, MuOptions.defaults(), width, 1);
            MuAdam adam = model.adam(LR).optWeightDecay(WD, mode).build();
            Parameter hidden = model.getParameters().stream()
                    .filter(p -> p.getKey().contains("hidden") && p.getKey().endsWith("weight"))
                    .findFirst().orElseThrow().getValue();
            NDArray weight = hidden.getArray();
            weight.set(java.nio.FloatBuffer.wrap(filled((int) weight.size(), 1f)));
            try (NDArray zero = weight.zerosLike()) {
                adam.update(hidden.getId(), weight, zero);
            }
            float[] after = weight.toFloatArray();
            double mean = 0;
            for (float a : after) {
                mean += 1.0 - a;
            }
            return mean / after.length;
        }
    }

    private static float[] filled(int n, float value) {
        float[] out = new float[n];
        java.util.Arrays.fill(out, value);
        return out;
    }
}
