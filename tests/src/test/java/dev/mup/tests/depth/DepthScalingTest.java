package dev.mup.tests.depth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.mup.examples.gpt.GptMuP;
import dev.mup.examples.gpt.TiedGptMuP;
import dev.mup.examples.mlp.MlpMuP;
import dev.mup.runtime.EpsilonScaling;
import dev.mup.runtime.MuAdam;
import dev.mup.runtime.MuOptions;
import dev.mup.runtime.MuParameter;
import dev.mup.runtime.MuParametrization;
import dev.mup.runtime.ParameterReport;
import dev.mup.runtime.UpdateRule;
import dev.mup.runtime.WeightDecayMode;
import dev.mup.tests.support.Models;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Depth scaling on the example GPT from options alone: the residual multiplier reaches the
 * forward pass, the default (α = 0) changes nothing, the learning rates of SGD follow
 * {@code m_L^(2α−1)}, the ε options scale Adam's ε, and a model or option that cannot be depth
 * scaled is refused with a message saying how to fix it.
 */
class DepthScalingTest {

    private static final int VOCABULARY = 17;
    private static final int SEQUENCE = 8;

    private static GptMuP gpt(NDManager manager, MuOptions options, int depth) {
        Engine.getInstance().setRandomSeed(7);
        GptMuP gpt = new GptMuP(options, VOCABULARY, SEQUENCE, depth, 32, 16);
        gpt.initialize(manager, DataType.FLOAT32, new Shape(2, SEQUENCE));
        return gpt;
    }

    /** Everything the observer sees in one forward pass, by name, in order of arrival. */
    private static Map<String, List<float[]>> observed(GptMuP gpt, NDArray ids) throws Exception {
        Map<String, List<float[]>> out = new LinkedHashMap<>();
        try (AutoCloseable observing = gpt.muParametrization().observe(
                (name, output) -> out.computeIfAbsent(name, k -> new ArrayList<>()).add(output.toFloatArray()))) {
            gpt.forward(new ParameterStore(ids.getManager(), false), new NDList(ids), false);
        }
        return out;
    }

    @Test
    void theResidualMultiplierIsAppliedToEveryBranch() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray ids = manager.randomInteger(0, VOCABULARY, new Shape(2, SEQUENCE), DataType.INT32);
            // depth 4, base 2: m_L = 2; CompleteP: branches × 1/2
            GptMuP plain = gpt(manager, MuOptions.defaults(), 4);
            GptMuP complete = gpt(manager, MuOptions.builder().depthExponent(1).build(), 4);
            assertEquals(1.0, plain.muParametrization().residualMultiplier());
            assertEquals(0.5, complete.muParametrization().residualMultiplier(), 1e-15);
            Map<String, List<float[]>> a = observed(plain, ids);
            Map<String, List<float[]>> b = observed(complete, ids);
            // same init, same embedding
            float[] x0 = sum(a.get("tokens").get(0), a.get("positions").get(0));
            assertArrayEquals(x0, sum(b.get("tokens").get(0), b.get("positions").get(0)));
            // the first residual sum of the first block: x + s·attention(norm(x))
            float[] plainSum = a.get("blocks.0.attentionResidual").get(0);
            float[] scaledSum = b.get("blocks.0.attentionResidual").get(0);
            assertEquals(1, a.get("blocks.0.attentionResidual").size(), "one sum per forward pass");
            for (int i = 0; i < x0.length; i++) {
                double branch = plainSum[i] - x0[i];
                assertEquals(0.5 * branch, scaledSum[i] - x0[i], 1e-6 + 1e-5 * Math.abs(branch), "entry " + i);
            }
            assertTrue(complete.muParametrization().residuals().values().stream().allMatch(r -> r.scale() == 0.5));
        }
    }

    @Test
    void withTheDefaultsDepthChangesNothing() {
        try (NDManager manager = NDManager.newBaseManager()) {
            GptMuP gpt = gpt(manager, MuOptions.defaults(), 8);
            MuParametrization p = gpt.muParametrization();
            assertEquals(8, p.depth().orElseThrow().value());
            assertEquals(2, p.depth().orElseThrow().base());
            assertTrue(p.residuals().values().stream().allMatch(r -> r.scale() == 1.0));
            for (UpdateRule rule : UpdateRule.values()) {
                for (ParameterReport row : p.report(rule, WeightDecayMode.COUPLED)) {
                    MuParameter q = row.parameter();
                    double mIn = q.parameterClass() == dev.mup.runtime.ParameterClass.HIDDEN ? q.fanInMultiplier() : 1;
                    if (rule == UpdateRule.ADAM) {
                        assertEquals(q.name().equals("readout.weight") ? 1.0 : 1.0 / mIn,
                                row.scaling().lrMultiplier(), 0.0, q.name());
                    }
                    assertEquals(1.0, row.scaling().epsilonMultiplier(), 0.0, q.name());
                }
            }
        }
    }

    @Test
    void sgdLearningRatesScaleWithTheDepthExponent() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // depth 8, base 2: m_L = 4
            for (double alpha : new double[] {0.5, 1.0}) {
                GptMuP gpt = gpt(manager, MuOptions.builder().depthExponent(alpha).build(), 8);
                GptMuP off = gpt(manager, MuOptions.defaults(), 8);
                Map<String, ParameterReport> scaled = byName(gpt.muParametrization().report(UpdateRule.SGD,
                        WeightDecayMode.COUPLED));
                Map<String, ParameterReport> plain = byName(off.muParametrization().report(UpdateRule.SGD,
                        WeightDecayMode.COUPLED));
                double depthFactor = Math.pow(4, 2 * alpha - 1); // 1 at α = ½, 4 at α = 1
                for (String name : scaled.keySet()) {
                    double expected = plain.get(name).scaling().lrMultiplier() * (name.startsWith("blocks.") ? depthFactor : 1);
                    assertEquals(expected, scaled.get(name).scaling().lrMultiplier(), 1e-12, name + " α " + alpha);
                }
            }
        }
    }

    @Test
    void theBaseDepthCanBeOverridden() {
        try (NDManager manager = NDManager.newBaseManager()) {
            GptMuP gpt = gpt(manager, MuOptions.builder().depthExponent(0.5).baseDepth(2).build(), 8);
            GptMuP rebased = gpt(manager, MuOptions.builder().depthExponent(0.5).baseDepth(8).build(), 8);
            assertEquals(0.5, gpt.muParametrization().residualMultiplier(), 1e-15);
            assertEquals(1.0, rebased.muParametrization().residualMultiplier(), 1e-15);
        }
    }

    @Test
    void adamUsesEachParametersScaledEpsilon() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // width 256, base 64: m = 4
            for (EpsilonScaling scaling : EpsilonScaling.values()) {
                MlpMuP model = Models.mlp(manager, MuOptions.builder().epsilonScaling(scaling).build(), 256, 3);
                MuAdam adam = model.adam(1e-3f).optEpsilon(1e-6).build();
                Map<String, MuParameter> byId = model.muParametrization().parametersById();
                for (Map.Entry<String, MuParameter> e : byId.entrySet()) {
                    String name = e.getValue().name();
                    double expected;
                    if (scaling == EpsilonScaling.FIXED) {
                        expected = 1e-6;
                    } else if (scaling == EpsilonScaling.HIDDEN) {
                        expected = name.equals("hidden.weight") ? 1e-6 / 4 : 1e-6;
                    } else {
                        // every parameter with a width: hidden and readout weights by m_in, input
                        // layer and hidden bias by m_out; the readout bias has none
                        expected = name.equals("readout.bias") ? 1e-6 : 1e-6 / 4;
                    }
                    assertEquals(expected, adam.epsilon(e.getKey()), 1e-21, scaling + " " + name);
                }
                // and the update uses it: one step on the hidden weight from a known gradient, where
                // Adam's first step is lr·g/(|g| + ε)
                var hidden = model.getParameters().stream()
                        .filter(p -> p.getKey().contains("hidden") && p.getKey().endsWith("weight"))
                        .findFirst().orElseThrow().getValue();
                NDArray w = hidden.getArray();
                float[] before = w.toFloatArray();
                float gradient = 2e-6f;
                try (NDArray g = w.onesLike().muli(gradient)) {
                    adam.update(hidden.getId(), w, g);
                }
                double eps = adam.epsilon(hidden.getId());
                double step = 1e-3 / 4 * gradient / (gradient + eps);
                // to a few units in the last place of the weight; the ε choices differ by 1e-5 here
                assertEquals(before[0] - step, w.toFloatArray()[0], 4 * Math.ulp(before[0]), scaling + " step");
            }
        }
    }

    @Test
    void withoutDepthScalingTheHiddenEpsilonRuleTouchesHiddenMatricesOnly() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // width 64 → 128 multiplier is 2 at dModel 128; depth 8 but α = 0
            Engine.getInstance().setRandomSeed(7);
            GptMuP gpt = new GptMuP(MuOptions.builder().epsilonScaling(EpsilonScaling.HIDDEN).build(),
                    VOCABULARY, SEQUENCE, 8, 128, 16);
            gpt.initialize(manager, DataType.FLOAT32, new Shape(2, SEQUENCE));
            for (ParameterReport row : gpt.muParametrization().report(UpdateRule.ADAM, WeightDecayMode.COUPLED)) {
                boolean hiddenMatrix = row.parameter().parameterClass() == dev.mup.runtime.ParameterClass.HIDDEN
                        && row.parameter().kind() == dev.mup.runtime.ParameterKind.WEIGHT;
                assertEquals(hiddenMatrix ? 0.5 : 1.0, row.scaling().epsilonMultiplier(), 1e-15, row.parameter().name());
            }
        }
    }

    @Test
    void depthScalingOfAModelWithoutDepthIsRefused() {
        try (NDManager manager = NDManager.newBaseManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Models.mlp(manager, MuOptions.builder().depthExponent(1).build(), 64, 1));
            assertTrue(e.getMessage().contains("declares no depth: annotate its list (or array) of @MuBlock blocks"
                    + " with @Depth(base = …)"), e.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> Models.mlp(manager, MuOptions.builder().baseDepth(2).build(), 64, 1));
        }
        assertThrows(IllegalArgumentException.class, () -> MuOptions.builder().depthExponent(1.5));
        assertThrows(IllegalArgumentException.class, () -> MuOptions.builder().depthExponent(-0.5));
        assertThrows(IllegalArgumentException.class, () -> MuOptions.builder().baseDepth(0));
        assertFalse(MuOptions.defaults().depthExponent() != 0);
    }

    @Test
    void theTiedGptIsDepthScaledToo() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(7);
            TiedGptMuP gpt = new TiedGptMuP(MuOptions.builder().depthExponent(0.5).build(), VOCABULARY, SEQUENCE, 8, 32, 16);
            gpt.initialize(manager, DataType.FLOAT32, new Shape(2, SEQUENCE));
            assertEquals(0.5, gpt.muParametrization().residualMultiplier(), 1e-15);
            assertEquals(16, gpt.muParametrization().residuals().size());
        }
    }

    private static Map<String, ParameterReport> byName(List<ParameterReport> rows) {
        Map<String, ParameterReport> out = new LinkedHashMap<>();
        rows.forEach(r -> out.put(r.parameter().name(), r));
        return out;
    }

    private static float[] sum(float[] a, float[] b) {
        // positions broadcast over the batch
        float[] out = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] + b[i % b.length];
        }
        return out;
    }
}
