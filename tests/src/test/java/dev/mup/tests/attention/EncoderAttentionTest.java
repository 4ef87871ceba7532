package dev.mup.tests.attention;

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
import dev.mup.runtime.AttentionScaling;
import dev.mup.runtime.MuAttention;
import dev.mup.runtime.MuOptions;
import dev.mup.runtime.MuParametrization;
import dev.mup.runtime.MuRule;
import dev.mup.runtime.Parametrization;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Encoder attention: {@code MuAttention} without the causal mask, with a key-padding mask, checked
 * against attention written out with loops here; the choice of logit scale; and the logit scale a
 * custom attention block gets from its model.
 */
class EncoderAttentionTest {

    private static final int BATCH = 2;
    private static final int LENGTH = 5;
    private static final int D = 8;
    private static final int HEADS = 2;

    private static AttentionModel model(NDManager manager, MuOptions options, int dModel, int base,
            MuAttention.Builder attention) {
        Engine.getInstance().setRandomSeed(23);
        AttentionModel m = new AttentionModel(options, dModel, base, attention);
        m.initialize(manager, DataType.FLOAT32, new Shape(BATCH, LENGTH, dModel));
        return m;
    }

    private static float[] forward(AttentionModel m, NDManager manager, NDArray x, float[] keep) {
        NDList inputs = keep == null
                ? new NDList(x)
                : new NDList(x, manager.create(keep, new Shape(BATCH, LENGTH)));
        return m.attention.forward(new ParameterStore(manager, false), inputs, false)
                .singletonOrThrow().toFloatArray();
    }

    @Test
    void bidirectionalForwardIsAttentionOverEveryPosition() {
        try (NDManager manager = NDManager.newBaseManager()) {
            AttentionModel m = model(manager, MuOptions.defaults(), D, D,
                    MuAttention.builder().setHeads(HEADS).optCausal(false));
            assertFalse(m.attention.causal());
            NDArray x = manager.randomNormal(new Shape(BATCH, LENGTH, D));
            float[] expected = loops(x.toFloatArray(), m, null, false);
            assertArrayEquals(expected, forward(m, manager, x, null), 1e-5f);
        }
    }

    @Test
    void keyPaddingMaskIsAppliedWithAndWithoutTheCausalMask() {
        // sequence 0 keeps 3 of 5 tokens, sequence 1 keeps all but the second
        float[] keep = {1, 1, 1, 0, 0, 1, 0, 1, 1, 1};
        try (NDManager manager = NDManager.newBaseManager()) {
            for (boolean causal : new boolean[] {false, true}) {
                AttentionModel m = model(manager, MuOptions.defaults(), D, D,
                        MuAttention.builder().setHeads(HEADS).optCausal(causal));
                NDArray x = manager.randomNormal(new Shape(BATCH, LENGTH, D));
                float[] expected = loops(x.toFloatArray(), m, keep, causal);
                assertArrayEquals(expected, forward(m, manager, x, keep), 1e-5f, "causal " + causal);
            }
        }
    }

    @Test
    void changingPaddedTokensChangesNoOtherPosition() {
        float[] keep = {1, 1, 1, 0, 0, 1, 1, 1, 1, 0};
        try (NDManager manager = NDManager.newBaseManager()) {
            AttentionModel m = model(manager, MuOptions.defaults(), D, D,
                    MuAttention.builder().setHeadSize(4).optCausal(false));
            float[] x = manager.randomNormal(new Shape(BATCH, LENGTH, D)).toFloatArray();
            float[] changed = x.clone();
            for (int i = 0; i < BATCH * LENGTH; i++) {
                if (keep[i] == 0) {
                    for (int c = 0; c < D; c++) {
                        changed[i * D + c] += 5f * (c + 1);
                    }
                }
            }
            float[] a = forward(m, manager, manager.create(x, new Shape(BATCH, LENGTH, D)), keep);
            float[] b = forward(m, manager, manager.create(changed, new Shape(BATCH, LENGTH, D)), keep);
            for (int i = 0; i < BATCH * LENGTH; i++) {
                if (keep[i] == 1) {
                    for (int c = 0; c < D; c++) {
                        assertEquals(a[i * D + c], b[i * D + c], 0f, "kept position " + i + ", feature " + c);
                    }
                }
            }
            // without the mask the same change reaches every position
            float[] c = forward(m, manager, manager.create(x, new Shape(BATCH, LENGTH, D)), null);
            float[] d = forward(m, manager, manager.create(changed, new Shape(BATCH, LENGTH, D)), null);
            assertTrue(c[0] != d[0], "unmasked, the first position sees the changed tokens");
        }
    }

    @Test
    void logitsStayObservableAndBadMasksAreRejected() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            AttentionModel m = model(manager, MuOptions.defaults(), D, D,
                    MuAttention.builder().setHeads(HEADS).optCausal(false));
            List<String> seen = new ArrayList<>();
            NDArray x = manager.randomNormal(new Shape(BATCH, LENGTH, D));
            float[] keep = {1, 1, 1, 1, 0, 1, 1, 0, 0, 0};
            try (AutoCloseable observing = m.muParametrization().observe((layer, output) -> seen.add(layer))) {
                forward(m, manager, x, keep);
            }
            assertTrue(seen.contains("attention.logits"), seen.toString());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> m.attention.forward(new ParameterStore(manager, false),
                            new NDList(x, manager.ones(new Shape(BATCH, LENGTH + 1))), false));
            assertTrue(e.getMessage().contains("(batch, sequence)"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> m.attention.forward(new ParameterStore(manager, false),
                            new NDList(x, manager.ones(new Shape(BATCH, LENGTH)), x), false));
            assertTrue(e.getMessage().contains("3 inputs"), e.getMessage());
        }
    }

    @Test
    void inverseSqrtScalingIsAChoiceThatDiffersOnlyWhenTheHeadSizeGrows() {
        MuOptions sqrt = MuOptions.builder().attentionScaling(AttentionScaling.INVERSE_SQRT_HEAD_SIZE).build();
        try (NDManager manager = NDManager.newBaseManager()) {
            // 2 heads, 4× wider than base 16: d_head 32, base 8
            assertEquals(Math.sqrt(8) / 32, model(manager, MuOptions.defaults(), 64, 16,
                    MuAttention.builder().setHeads(2)).attention.logitScale(), 1e-7);
            assertEquals(1 / Math.sqrt(32), model(manager, sqrt, 64, 16,
                    MuAttention.builder().setHeads(2)).attention.logitScale(), 1e-7);
            // fixed head size: the same scale either way
            assertEquals(1 / Math.sqrt(16), model(manager, sqrt, 64, 16,
                    MuAttention.builder().setHeadSize(16)).attention.logitScale(), 1e-7);
            // an α_attn set by the user: α/sqrt(d_head · base d_head), α/d_head at base width
            MuOptions alpha = sqrt.toBuilder().attentionMultiplier(2).build();
            assertEquals(2 / Math.sqrt(32 * 8), new MuRule(alpha).attentionLogitScale(32, 4), 1e-12);
            assertEquals(2 / 8.0, new MuRule(alpha).attentionLogitScale(8, 1), 1e-12);
        }
        assertTrue(sqrt.toString().contains("INVERSE_SQRT_HEAD_SIZE"), sqrt.toString());
        assertEquals(sqrt, sqrt.toBuilder().build());
        assertFalse(sqrt.equals(MuOptions.defaults()));
    }

    @Test
    void aCustomAttentionBlockGetsTheLogitScaleOfItsModel() {
        try (NDManager manager = NDManager.newBaseManager()) {
            MuOptions sp = MuOptions.builder().parametrization(Parametrization.SP).build();
            MuParametrization mu = model(manager, MuOptions.defaults(), 64, 16,
                    MuAttention.builder().setHeads(2)).muParametrization();
            MuParametrization spMu = model(manager, sp, 64, 16,
                    MuAttention.builder().setHeads(2)).muParametrization();
            // head size 32 growing with dModel (4×): μP sqrt(8)/32, SP 1/sqrt(32)
            assertEquals(Math.sqrt(8) / 32, mu.attentionLogitScale(32, "dModel"), 1e-12);
            assertEquals(1 / Math.sqrt(32), spMu.attentionLogitScale(32, "dModel"), 1e-12);
            // a fixed head size: the standard scale in both
            assertEquals(1 / Math.sqrt(16), mu.attentionLogitScale(16, null), 1e-12);
            assertEquals(1 / Math.sqrt(16), spMu.attentionLogitScale(16, null), 1e-12);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> mu.attentionLogitScale(32, "dFfn"));
            assertTrue(e.getMessage().contains("dFfn") && e.getMessage().contains("dModel"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> mu.attentionLogitScale(6, "dModel"));
            assertTrue(e.getMessage().contains("1.5"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> mu.attentionLogitScale(0, null));
            assertTrue(e.getMessage().contains("positive"), e.getMessage());
        }
    }

    /**
     * Multi-head attention written out with loops from the block's parameters: projections,
     * {@code scale · q·k} over the keys each query may see (all, or j ≤ i when causal, and never a
     * key whose {@code keep} is 0), softmax, weighted values, output projection.
     */
    private static float[] loops(float[] x, AttentionModel m, float[] keep, boolean causal) {
        String[] names = {"01query", "02key", "03value", "04output"};
        float[][] w = new float[4][];
        float[][] b = new float[4][];
        for (int i = 0; i < 4; i++) {
            w[i] = m.attention.getChildren().get(names[i]).getParameters().get("weight").getArray().toFloatArray();
            b[i] = m.attention.getChildren().get(names[i]).getParameters().get("bias").getArray().toFloatArray();
        }
        double scale = m.attention.logitScale();
        int heads = m.attention.heads();
        int h = D / heads;
        float[] out = new float[BATCH * LENGTH * D];
        for (int n = 0; n < BATCH; n++) {
            double[][][] proj = new double[3][LENGTH][];
            for (int p = 0; p < 3; p++) {
                for (int t = 0; t < LENGTH; t++) {
                    proj[p][t] = affine(x, (n * LENGTH + t) * D, w[p], b[p]);
                }
            }
            float[] merged = new float[LENGTH * D];
            for (int head = 0; head < heads; head++) {
                for (int i = 0; i < LENGTH; i++) {
                    double[] weight = new double[LENGTH];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < LENGTH; j++) {
                        boolean visible = (!causal || j <= i) && (keep == null || keep[n * LENGTH + j] != 0);
                        if (!visible) {
                            weight[j] = Double.NaN;
                            continue;
                        }
                        double dot = 0;
                        for (int c = 0; c < h; c++) {
                            dot += proj[0][i][head * h + c] * proj[1][j][head * h + c];
                        }
                        weight[j] = scale * dot;
                        max = Math.max(max, weight[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < LENGTH; j++) {
                        weight[j] = Double.isNaN(weight[j]) ? 0 : Math.exp(weight[j] - max);
                        sum += weight[j];
                    }
                    for (int c = 0; c < h; c++) {
                        double v = 0;
                        for (int j = 0; j < LENGTH; j++) {
                            v += weight[j] / sum * proj[2][j][head * h + c];
                        }
                        merged[i * D + head * h + c] = (float) v;
                    }
                }
            }
            for (int t = 0; t < LENGTH; t++) {
                double[] o = affine(merged, t * D, w[3], b[3]);
                for (int c = 0; c < D; c++) {
                    out[(n * LENGTH + t) * D + c] = (float) o[c];
                }
            }
        }
        return out;
    }

    private static double[] affine(float[] x, int offset, float[] w, float[] b) {
        double[] y = new double[D];
        for (int o = 0; o < D; o++) {
            double s = b[o];
            for (int i = 0; i < D; i++) {
                s += (double) w[o * D + i] * x[offset + i];
            }
            y[o] = s;
        }
        return y;
    }
}
