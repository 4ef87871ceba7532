package dev.mup.tests.gpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.mup.examples.gpt.GptTask;
import dev.mup.examples.gpt.GptVariant;
import dev.mup.examples.gpt.TransferVariant;
import dev.mup.runtime.AttentionScaling;
import dev.mup.runtime.MuAttention;
import dev.mup.runtime.MuModel;
import dev.mup.runtime.MuOptions;
import dev.mup.runtime.MuRmsNorm;
import dev.mup.runtime.Parametrization;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The variant settings of the {@code gpt} task ({@code norm}, {@code gain}, {@code feedForward},
 * {@code bias}, {@code heads}, {@code attentionScaling}): parsed, refused with the accepted
 * values, kept in {@code settings()} so that a sweep rebuilds the same model, and each one really
 * changes the model the task builds (its parameters' names and shapes, or the attention scale).
 */
class GptTaskVariantSettingsTest {

    private static final int WIDTH = 128;

    private static GptTask task(String... keyValues) {
        GptTask task = new GptTask();
        for (int i = 0; i < keyValues.length; i += 2) {
            task.configure(keyValues[i], keyValues[i + 1]);
        }
        return task;
    }

    /** Parameter name → shape of the model the task builds at {@link #WIDTH}. */
    private static Map<String, Shape> parameters(GptTask task) {
        try (NDManager manager = NDManager.newBaseManager()) {
            MuModel model = task.model(WIDTH, MuOptions.defaults());
            model.initialize(manager, DataType.FLOAT32, task.inputShapes(2));
            Map<String, Shape> shapes = new TreeMap<>();
            for (Pair<String, Parameter> p : model.getParameters()) {
                // DJL numbers each child ("03block0_01attentionNorm_gamma"); the names without it
                shapes.put(p.getKey().replaceAll("(^|_)\\d{2}", "$1"), p.getValue().getArray().getShape());
            }
            return shapes;
        }
    }

    @Test
    void parsesEveryVariantSetting() {
        GptTask task = task("norm", "rmsNorm", "gain", "scalar", "feedForward", "swiglu", "bias", "false",
                "heads", "fixedCount", "attentionScaling", "inverseSqrtHeadSize");
        GptVariant v = task.variant();
        assertEquals(GptVariant.Norm.RMS_NORM, v.norm());
        assertEquals(MuRmsNorm.Gain.SCALAR, v.gain());
        assertEquals(GptVariant.FeedForward.SWIGLU, v.feedForward());
        assertFalse(v.bias());
        assertEquals(GptVariant.Heads.FIXED_COUNT, v.heads());
        assertEquals(AttentionScaling.INVERSE_SQRT_HEAD_SIZE, task.attentionScaling().orElseThrow());
        assertEquals(GptVariant.defaults(), new GptTask().variant());
        assertTrue(new GptTask().attentionScaling().isEmpty());
    }

    @Test
    void settingsRoundTripSoASweepRebuildsTheSameVariant() {
        GptTask task = task("norm", "rmsNorm", "gain", "none", "feedForward", "swiglu", "bias", "false",
                "heads", "fixedCount", "attentionScaling", "inverseHeadSize");
        Map<String, String> settings = task.settings();
        assertEquals("rmsNorm", settings.get("norm"));
        assertEquals("none", settings.get("gain"));
        assertEquals("swiglu", settings.get("feedForward"));
        assertEquals("false", settings.get("bias"));
        assertEquals("fixedCount", settings.get("heads"));
        assertEquals("inverseHeadSize", settings.get("attentionScaling"));
        GptTask again = new GptTask();
        settings.forEach(again::configure);
        assertEquals(task.variant(), again.variant());
        assertEquals(task.attentionScaling(), again.attentionScaling());
        assertEquals(settings, again.settings());
        // the default GPT stores no variant keys: definitions of earlier sweeps are unchanged
        assertEquals(Map.of("sequence", "32", "layers", "2", "headSize", "16", "tiedReadout", "false"),
                new GptTask().settings());
    }

    @Test
    void refusesBadValuesNamingTheAcceptedOnes() {
        String[][] cases = {
            {"norm", "rms", "gpt setting norm must be one of layerNorm, rmsNorm, got 'rms'"},
            {"gain", "Vector", "gpt setting gain must be one of vector, none, scalar, got 'Vector'"},
            {"feedForward", "relu", "gpt setting feedForward must be one of gelu, swiglu, got 'relu'"},
            {"bias", "no", "gpt setting bias must be true or false, got 'no'"},
            {"heads", "fixed", "gpt setting heads must be one of fixedSize, fixedCount, got 'fixed'"},
            {"attentionScaling", "mup",
                "gpt setting attentionScaling must be one of inverseHeadSize, inverseSqrtHeadSize, got 'mup'"},
        };
        for (String[] c : cases) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> new GptTask().configure(c[0], c[1]));
            assertEquals(c[2], e.getMessage());
        }
        IllegalArgumentException unknown =
                assertThrows(IllegalArgumentException.class, () -> new GptTask().configure("norms", "rmsNorm"));
        assertTrue(unknown.getMessage().contains("gpt has no setting 'norms'")
                && unknown.getMessage().contains("norm, gain, feedForward, bias, heads, attentionScaling"),
                unknown.getMessage());
        // a gain LayerNorm does not have is refused before any width is built
        GptTask layerScalar = task("gain", "scalar");
        IllegalArgumentException gain = assertThrows(IllegalArgumentException.class, () -> layerScalar.checkWidth(64));
        assertEquals("gpt setting gain=scalar needs norm=rmsNorm; LayerNorm always has a vector gain",
                gain.getMessage());
        // order does not matter: gain before norm is fine
        assertEquals(MuRmsNorm.Gain.SCALAR, task("gain", "scalar", "norm", "rmsNorm").variant().gain());
    }

    @Test
    void normAndGainChangeTheNormParameters() {
        Map<String, Shape> layer = parameters(new GptTask());
        Map<String, Shape> rms = parameters(task("norm", "rmsNorm"));
        Map<String, Shape> noGain = parameters(task("norm", "rmsNorm", "gain", "none"));
        Map<String, Shape> scalar = parameters(task("norm", "rmsNorm", "gain", "scalar"));
        // LayerNorm: gain and bias (DJL: gamma, beta) per feature; RMSNorm: a gain only
        assertEquals(new Shape(WIDTH), layer.get("finalNorm_gamma"), layer.toString());
        assertEquals(new Shape(WIDTH), layer.get("finalNorm_beta"), layer.toString());
        assertFalse(rms.containsKey("finalNorm_beta"), rms.toString());
        assertEquals(new Shape(WIDTH), normGain(rms, "finalNorm"), rms.toString());
        assertTrue(noGain.keySet().stream().noneMatch(k -> k.contains("Norm")), noGain.toString());
        assertEquals(new Shape(1), normGain(scalar, "finalNorm"), scalar.toString());
        assertEquals(new Shape(1), normGain(scalar, "block0_attentionNorm"), scalar.toString());
    }

    private static Shape normGain(Map<String, Shape> parameters, String norm) {
        List<String> keys = parameters.keySet().stream().filter(k -> k.startsWith(norm + "_")).toList();
        assertEquals(1, keys.size(), norm + " should have one parameter: " + parameters.keySet());
        return parameters.get(keys.get(0));
    }

    @Test
    void feedForwardBiasAndHeadsChangeTheLayers() {
        Map<String, Shape> plain = parameters(new GptTask());
        Map<String, Shape> swiglu = parameters(task("feedForward", "swiglu"));
        Map<String, Shape> noBias = parameters(task("bias", "false"));
        assertEquals(new Shape(4L * WIDTH, WIDTH), plain.get("block0_up_weight"));
        assertEquals(new Shape(8L * WIDTH, WIDTH), swiglu.get("block0_up_weight"), "value and gate fused");
        assertTrue(plain.containsKey("block0_up_bias") && plain.containsKey("block0_down_bias"));
        assertTrue(noBias.keySet().stream().noneMatch(k -> k.startsWith("block") && k.endsWith("bias")
                        && !k.contains("Norm")),
                "no projection biases: " + noBias.keySet());
        assertTrue(noBias.containsKey("readout_bias"), "the readout keeps its bias: " + noBias.keySet());
        // heads: same parameters (the head split is not a parameter), a different head size
        assertEquals(plain, parameters(task("heads", "fixedCount")));
    }

    @Test
    void headsAndAttentionScalingChangeTheLogitScale() {
        double fixedSize = logitScale(new GptTask(), MuOptions.defaults());
        double fixedCount = logitScale(task("heads", "fixedCount"), MuOptions.defaults());
        double inverseSqrt = logitScale(task("heads", "fixedCount", "attentionScaling", "inverseSqrtHeadSize"),
                MuOptions.defaults());
        // head size 16 at base width 64: 4 heads; at width 128 fixedCount gives head size 32
        assertEquals(1.0 / 16 * Math.sqrt(16), fixedSize, 1e-6, "α/d_head with d_head = 16, α = √16");
        assertEquals(Math.sqrt(16) / 32, fixedCount, 1e-6, "α/d_head with d_head = 32");
        assertEquals(Math.sqrt(16) / Math.sqrt(32 * 16), inverseSqrt, 1e-6, "α/√(d_head·d_head,base)");
        // the task's setting replaces the options' scaling; unset, the options keep theirs
        MuOptions sqrtOptions = MuOptions.builder().attentionScaling(AttentionScaling.INVERSE_SQRT_HEAD_SIZE).build();
        assertEquals(inverseSqrt, logitScale(task("heads", "fixedCount"), sqrtOptions), 1e-6);
        assertEquals(fixedCount, logitScale(task("heads", "fixedCount", "attentionScaling", "inverseHeadSize"),
                sqrtOptions), 1e-6);
        // and the rest of the options stay: SP stays SP (whose scale is 1/√d_head)
        MuOptions sp = MuOptions.builder().parametrization(Parametrization.SP).build();
        GptTask spTask = task("heads", "fixedCount", "attentionScaling", "inverseHeadSize");
        assertEquals(Parametrization.SP, spTask.model(WIDTH, sp).muParametrization().options().parametrization());
        assertNotEquals(fixedCount, inverseSqrt);
    }

    /** The logit scale the first block's attention of the task's model applies, as built. */
    private static double logitScale(GptTask task, MuOptions options) {
        MuModel model = task.model(WIDTH, options);
        try (NDManager manager = NDManager.newBaseManager()) {
            model.initialize(manager, DataType.FLOAT32, task.inputShapes(2));
            MuAttention attention = (MuAttention) child(child(model, "block0"), "attention");
            int expectedHeadSize = task.variant().heads() == GptVariant.Heads.FIXED_COUNT ? WIDTH / 4 : 16;
            assertEquals(expectedHeadSize, attention.headSize());
            return attention.logitScale();
        }
    }

    private static Block child(Block parent, String name) {
        for (Pair<String, Block> c : parent.getChildren()) {
            if (c.getKey().replaceAll("^\\d{2}", "").equals(name)) {
                return c.getValue();
            }
        }
        throw new AssertionError(name + " is not a child: " + parent.getChildren().keys());
    }

    @Test
    void everyCatalogueVariantIsAValidTaskConfiguration() {
        for (TransferVariant v : TransferVariant.all()) {
            GptTask task = new GptTask();
            v.settings().forEach(task::configure);
            task.checkWidth(WIDTH);
            v.settings().forEach((k, value) -> assertEquals(value, task.settings().get(k), v.name()));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TransferVariant.named(List.of("default", "rms")));
        assertTrue(e.getMessage().startsWith("unknown variant 'rms'; the variants: default, rms-norm,"),
                e.getMessage());
    }
}
