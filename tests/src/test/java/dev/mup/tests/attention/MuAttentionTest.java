package dev.mup.tests.attention;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.mup.runtime.MuAttention;
import dev.mup.runtime.MuOptions;
import dev.mup.runtime.ParameterClass;
import dev.mup.runtime.ParameterReport;
import dev.mup.runtime.Parametrization;
import dev.mup.runtime.UpdateRule;
import dev.mup.runtime.WeightDecayMode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The μP attention block: causal multi-head attention computed as written, logits scaled by
 * {@code α_attn / d_head} (equal to SP's {@code 1/sqrt(d_head)} at base width and when only the
 * number of heads grows), zero-init query, hidden projections, and clear construction errors.
 */
class MuAttentionTest {

    private static final int BATCH = 2;
    private static final int LENGTH = 5;

    private static AttentionModel model(NDManager manager, MuOptions options, int dModel, int base,
            MuAttention.Builder attention) {
        Engine.getInstance().setRandomSeed(17);
        AttentionModel m = new AttentionModel(options, dModel, base, attention);
        m.initialize(manager, DataType.FLOAT32, new Shape(BATCH, LENGTH, dModel));
        return m;
    }

    @Test
    void forwardIsCausalMultiHeadAttentionWithTheConfiguredScale() {
        int d = 8;
        try (NDManager manager = NDManager.newBaseManager()) {
            AttentionModel m = model(manager, MuOptions.defaults(), d, 8, MuAttention.builder().setHeads(2));
            MuAttention attention = m.attention;
            NDArray x = manager.randomNormal(new Shape(BATCH, LENGTH, d));
            float[] actual = attention.forward(new ParameterStore(manager, false), new NDList(x), false)
                    .singletonOrThrow().toFloatArray();
            float[] expected = naiveAttention(x.toFloatArray(), m, d, 2, attention.logitScale());
            assertArrayEquals(expected, actual, 1e-5f);
        }
    }

    @Test
    void laterTokensDoNotChangeEarlierOutputs() {
        int d = 8;
        try (NDManager manager = NDManager.newBaseManager()) {
            AttentionModel m = model(manager, MuOptions.defaults(), d, 8, MuAttention.builder().setHeadSize(4));
            float[] x = manager.randomNormal(new Shape(1, LENGTH, d)).toFloatArray();
            float[] changed = x.clone();
            for (int i = (LENGTH - 1) * d; i < LENGTH * d; i++) {
                changed[i] += 3f;
            }
            ParameterStore store = new ParameterStore(manager, false);
            float[] a = m.attention.forward(store, new NDList(manager.create(x, new Shape(1, LENGTH, d))), false)
                    .singletonOrThrow().toFloatArray();
            float[] b = m.attention.forward(store, new NDList(manager.create(changed, new Shape(1, LENGTH, d))), false)
                    .singletonOrThrow().toFloatArray();
            for (int i = 0; i < (LENGTH - 1) * d; i++) {
                assertEquals(a[i], b[i], 0f, "output " + i + " of an earlier position");
            }
            assertTrue(a[(LENGTH - 1) * d] != b[(LENGTH - 1) * d], "the last position sees its own change");
        }
    }

    @Test
    void logitScaleFollowsTheRules() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // head size fixed at 16, 4× wider model: more heads, same d_head: scale = sqrt(16)/16
            AttentionModel fixedSize = model(manager, MuOptions.defaults(), 64, 16, MuAttention.builder().setHeadSize(16));
            assertEquals(1 / Math.sqrt(16), fixedSize.attention.logitScale(), 1e-7);
            // 2 heads fixed, 4× wider: d_head 32 (base 8): μP α/d_head with α = sqrt(8); SP 1/sqrt(32)
            AttentionModel fixedHeads = model(manager, MuOptions.defaults(), 64, 16, MuAttention.builder().setHeads(2));
            assertEquals(Math.sqrt(8) / 32, fixedHeads.attention.logitScale(), 1e-7);
            MuOptions sp = MuOptions.builder().parametrization(Parametrization.SP).build();
            AttentionModel spHeads = model(manager, sp, 64, 16, MuAttention.builder().setHeads(2));
            assertEquals(1 / Math.sqrt(32), spHeads.attention.logitScale(), 1e-7);
            // at base width μP is SP
            AttentionModel base = model(manager, MuOptions.defaults(), 16, 16, MuAttention.builder().setHeads(2));
            assertEquals(1 / Math.sqrt(8), base.attention.logitScale(), 1e-7);
            // α_attn overridden: mup's examples use 8
            MuOptions alpha = MuOptions.builder().attentionMultiplier(8).build();
            assertEquals(8.0 / 32, model(manager, alpha, 64, 16, MuAttention.builder().setHeads(2))
                    .attention.logitScale(), 1e-7);
        }
    }

    @Test
    @SuppressWarnings("try")
    void projectionsAreHiddenAndQueryCanStartAtZero() {
        try (NDManager manager = NDManager.newBaseManager()) {
            MuOptions options = MuOptions.builder().zeroInitQuery(true).build();
            AttentionModel m = model(manager, options, 64, 16, MuAttention.builder().setHeadSize(16));
            List<String> names = new ArrayList<>();
            for (ParameterReport r : m.muParametrization().report(UpdateRule.ADAM, WeightDecayMode.COUPLED)) {
                names.add(r.parameter().name());
                if (r.parameter().name().startsWith("attention.") && r.parameter().name().endsWith("weight")) {
                    assertEquals(ParameterClass.HIDDEN, r.parameter().parameterClass(), r.parameter().name());
                    assertEquals(1 / 4.0, r.scaling().lrMultiplier(), 1e-15, r.parameter().name());
                }
            }
            assertEquals(List.of("attention.query.weight", "attention.query.bias", "attention.key.weight",
                    "attention.key.bias", "attention.value.weight", "attention.value.bias",
                    "attention.output.weight", "attention.output.bias", "readout.weight", "readout.bias"), names);
            NDArray query = m.attention.getChildren().get("01query").getParameters().get("weight").getArray();
            NDArray key = m.attention.getChildren().get("02key").getParameters().get("weight").getArray();
            assertEquals(0f, query.abs().max().getFloat(), "zero-init query");
            assertTrue(key.abs().max().getFloat() > 0, "key drawn as usual");
            NDArray queryBias = m.attention.getChildren().get("01query").getParameters().get("bias").getArray();
            NDArray keyBias = m.attention.getChildren().get("02key").getParameters().get("bias").getArray();
            assertEquals(0f, queryBias.abs().max().getFloat(), "zero-init query bias: logits start at zero");
            assertTrue(keyBias.abs().max().getFloat() > 0, "key bias drawn as usual");
            NDArray x = manager.randomNormal(new Shape(BATCH, LENGTH, 64));
            List<Float> maxLogit = new ArrayList<>();
            try (AutoCloseable observing = m.muParametrization().observe((layer, output) -> {
                if (layer.equals("attention.logits")) {
                    maxLogit.add(output.abs().max().getFloat());
                }
            })) {
                m.forward(new ParameterStore(manager, false), new NDList(x), false);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            assertEquals(List.of(0f), maxLogit, "attention logits are zero at initialization");
        }
    }

    @Test
    @SuppressWarnings("try")
    void coordinateCheckObserverSeesProjectionsAndLogits() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            AttentionModel m = model(manager, MuOptions.defaults(), 32, 16, MuAttention.builder().setHeadSize(8));
            List<String> seen = new ArrayList<>();
            NDList x = new NDList(manager.randomNormal(new Shape(BATCH, LENGTH, 32)));
            try (AutoCloseable observing = m.muParametrization().observe((layer, output) -> seen.add(layer))) {
                m.forward(new ParameterStore(manager, false), x, false);
            }
            assertEquals(List.of("attention.query", "attention.key", "attention.value", "attention.logits",
                    "attention.output", "readout"), seen);
            seen.clear();
            m.forward(new ParameterStore(manager, false), x, false);
            assertEquals(List.of(), seen, "closing stops the reporting");
        }
    }

    @Test
    void badConstructionIsRejectedWithAMessage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MuAttention.builder().setModelDim(30).setHeads(4).build());
        assertTrue(e.getMessage().contains("30") && e.getMessage().contains("heads 4"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> MuAttention.builder().setModelDim(32).build());
        assertTrue(e.getMessage().contains("exactly one of heads and headSize"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> MuAttention.builder().setModelDim(32).setHeads(2).setHeadSize(16).build());
        assertTrue(e.getMessage().contains("exactly one"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> MuAttention.builder().setModelDim(0).setHeads(1).build());
        assertTrue(e.getMessage().contains("modelDim"), e.getMessage());
        // 3 heads with base width 16: the base head size would not be an integer
        e = assertThrows(IllegalArgumentException.class,
                () -> new AttentionModel(MuOptions.defaults(), 48, 16, MuAttention.builder().setHeads(3)));
        assertTrue(e.getMessage().contains("divisible by the number of heads"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> MuOptions.builder().attentionMultiplier(-1));
        assertTrue(e.getMessage().contains("attentionMultiplier"), e.getMessage());
    }

    /** Attention written out with loops, from the block's own parameters. */
    private static float[] naiveAttention(float[] x, AttentionModel m, int d, int heads, float scale) {
        String[] names = {"01query", "02key", "03value", "04output"};
        float[][] w = new float[4][];
        float[][] b = new float[4][];
        for (int i = 0; i < 4; i++) {
            w[i] = m.attention.getChildren().get(names[i]).getParameters().get("weight").getArray().toFloatArray();
            b[i] = m.attention.getChildren().get(names[i]).getParameters().get("bias").getArray().toFloatArray();
        }
        int h = d / heads;
        float[] out = new float[BATCH * LENGTH * d];
        for (int n = 0; n < BATCH; n++) {
            double[][][] proj = new double[3][LENGTH][d];
            for (int p = 0; p < 3; p++) {
                for (int t = 0; t < LENGTH; t++) {
                    proj[p][t] = linear(x, (n * LENGTH + t) * d, w[p], b[p], d);
                }
            }
            double[][] merged = new double[LENGTH][d];
            for (int head = 0; head < heads; head++) {
                for (int i = 0; i < LENGTH; i++) {
                    double[] logits = new double[i + 1];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j <= i; j++) {
                        double dot = 0;
                        for (int c = 0; c < h; c++) {
                            dot += proj[0][i][head * h + c] * proj[1][j][head * h + c];
                        }
                        logits[j] = scale * dot;
                        max = Math.max(max, logits[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j <= i; j++) {
                        logits[j] = Math.exp(logits[j] - max);
                        sum += logits[j];
                    }
                    for (int j = 0; j <= i; j++) {
                        for (int c = 0; c < h; c++) {
                            merged[i][head * h + c] += logits[j] / sum * proj[2][j][head * h + c];
                        }
                    }
                }
            }
            for (int t = 0; t < LENGTH; t++) {
                float[] row = new float[d];
                for (int c = 0; c < d; c++) {
                    row[c] = (float) merged[t][c];
                }
                double[] o = linear(row, 0, w[3], b[3], d);
                for (int c = 0; c < d; c++) {
                    out[(n * LENGTH + t) * d + c] = (float) o[c];
                }
            }
        }
        return out;
    }

    private static double[] linear(float[] x, int offset, float[] w, float[] b, int d) {
        double[] y = new double[d];
        for (int o = 0; o < d; o++) {
            double s = b[o];
            for (int i = 0; i < d; i++) {
                s += w[o * d + i] * x[offset + i];
            }
            y[o] = s;
        }
        return y;
    }
}
