package dev.mup.tests.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.mup.runtime.InitMode;
import dev.mup.runtime.MuModel;
import dev.mup.runtime.MuOptions;
import dev.mup.runtime.MuParameter;
import dev.mup.runtime.ParameterClass;
import dev.mup.runtime.ParameterKind;
import dev.mup.runtime.ParameterReport;
import dev.mup.runtime.UpdateRule;
import dev.mup.runtime.WeightDecayMode;
import dev.mup.tests.conv.CnnModels;
import dev.mup.tests.support.Reference;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The μP table of mup's CNN test model, written as an annotated DJL model ({@code MupCnn},
 * {@code MupCnnBatchNorm}), equals microsoft/mup's at widths 8 to 64 (base 8), with and without
 * BatchNorm, in every init mode of the reference: init std, forward multiplier, the lr and
 * weight-decay multipliers of MuAdam, MuAdam with decoupled decay and MuSGD, the parameter
 * classes and mup's {@code width_mult}. Convolution weights are compared in the layout DJL and
 * PyTorch share, {@code (out, in, kh, kw)}; BatchNorm's running statistics are buffers in PyTorch
 * and must not appear among the μP parameters.
 */
class CnnParametrizationConformanceTest {

    private static final double TOLERANCE = 1e-12;
    private static final JsonObject REFERENCE = Reference.json("cnn_parametrization.json");

    /** Our init modes and the key of the same initializer in the reference. */
    private static final Map<String, String> MODES = Map.of(
            "default", "",
            "normal:0.1", "normal_0.1",
            "xavier-normal", "xavier_normal",
            "kaiming-normal-fan-in", "kaiming_normal_fan_in_relu",
            "kaiming-normal-fan-out", "kaiming_normal_fan_out_relu");

    static Stream<Arguments> variantsWidthsAndModes() {
        List<Arguments> out = new ArrayList<>();
        for (String variant : List.of("plain", "batchnorm")) {
            for (String width : REFERENCE.getAsJsonObject(variant).getAsJsonObject("widths").keySet()) {
                for (String mode : MODES.keySet()) {
                    out.add(Arguments.of(variant, Integer.parseInt(width), mode));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} at width {1}, init {2}")
    @MethodSource("variantsWidthsAndModes")
    void tableMatchesMup(String variant, int width, String mode) {
        JsonObject reference = REFERENCE.getAsJsonObject(variant);
        assertEquals(8, reference.get("base_width").getAsInt());
        boolean batchNorm = reference.get("batchnorm").getAsBoolean();
        Map<String, JsonObject> expected = referenceRows(variant, width);
        MuOptions options = MuOptions.builder().initMode(InitMode.parse(mode)).build();
        try (NDManager manager = NDManager.newBaseManager()) {
            MuModel model = CnnModels.create(options, width, batchNorm);
            CnnModels.initialize(model, manager, 1);
            List<MuParameter> parameters = model.muParametrization().parameters();
            List<String> order = new ArrayList<>();
            for (MuParameter p : parameters) {
                order.add(CnnModels.mupName(p.name(), batchNorm));
            }
            assertEquals(new ArrayList<>(expected.keySet()), order,
                    "the μP parameters, in mup's order (no running statistics)");

            check(model, expected, batchNorm, UpdateRule.ADAM, WeightDecayMode.COUPLED, "adam", mode, width);
            check(model, expected, batchNorm, UpdateRule.ADAM, WeightDecayMode.DECOUPLED, "adam_decoupled_wd",
                    mode, width);
            check(model, expected, batchNorm, UpdateRule.SGD, WeightDecayMode.COUPLED, "sgd", mode, width);
        }
    }

    private static void check(
            MuModel model,
            Map<String, JsonObject> expected,
            boolean batchNorm,
            UpdateRule rule,
            WeightDecayMode decay,
            String optimizerKey,
            String mode,
            int width) {
        for (ParameterReport row : model.muParametrization().report(rule, decay)) {
            MuParameter p = row.parameter();
            JsonObject ref = expected.get(CnnModels.mupName(p.name(), batchNorm));
            String where = "width " + width + ", init " + mode + ", " + optimizerKey + ", " + p.name();
            assertEquals(longs(ref.getAsJsonArray("shape")), p.shape(), where + ": shape");
            assertClose(expectedStd(ref, p, mode), row.scaling().initStd(), where + ": init std");
            assertClose(ref.get("forward_multiplier").getAsDouble(), row.scaling().forwardMultiplier(),
                    where + ": forward multiplier");
            JsonObject opt = ref.getAsJsonObject(optimizerKey);
            assertClose(opt.get("lr_mult").getAsDouble(), row.scaling().lrMultiplier(), where + ": lr multiplier");
            assertClose(opt.get("weight_decay_mult").getAsDouble(), row.scaling().weightDecayMultiplier(),
                    where + ": weight-decay multiplier");
            if (ref.get("ninf").getAsInt() > 0) {
                assertEquals(expectedClass(ref), p.parameterClass(), where + ": class");
                // mup's width_mult: the fan_in multiplier when fan_in is infinite, else fan_out's
                boolean fanInInfinite = p.parameterClass() == ParameterClass.HIDDEN
                        || p.parameterClass() == ParameterClass.OUTPUT_LIKE;
                assertClose(ref.get("width_mult").getAsDouble(),
                        fanInInfinite ? p.fanInMultiplier() : p.fanOutMultiplier(), where + ": width_mult");
            }
        }
    }

    /**
     * The reference gives mup's initializers for weights only; biases keep PyTorch's default
     * bias init rescaled by mup, and BatchNorm's gain and bias are the constants 1 and 0 (std
     * 0), in every mode.
     */
    private static double expectedStd(JsonObject ref, MuParameter p, String mode) {
        String key = MODES.get(mode);
        if (key.isEmpty() || p.kind() != ParameterKind.WEIGHT) {
            return ref.get("init_std_default_after_rescale").getAsDouble();
        }
        return ref.getAsJsonObject("init_std_mup_init").get(key).getAsDouble();
    }

    /** mup's infinite dims are listed as (fan_out, fan_in, kernel...) for weights, (fan_out) for vectors. */
    private static ParameterClass expectedClass(JsonObject ref) {
        JsonArray inf = ref.getAsJsonArray("infinite_dims");
        boolean fanOut = inf.get(0).getAsBoolean();
        boolean fanIn = inf.size() > 1 && inf.get(1).getAsBoolean();
        return ParameterClass.of(fanIn, fanOut);
    }

    private static List<Long> longs(JsonArray array) {
        List<Long> out = new ArrayList<>();
        for (JsonElement e : array) {
            out.add(e.getAsLong());
        }
        return out;
    }

    private static Map<String, JsonObject> referenceRows(String variant, int width) {
        Map<String, JsonObject> rows = new LinkedHashMap<>();
        JsonArray all = REFERENCE.getAsJsonObject(variant).getAsJsonObject("widths")
                .getAsJsonArray(String.valueOf(width));
        for (JsonElement e : all) {
            JsonObject o = e.getAsJsonObject();
            rows.put(o.get("name").getAsString(), o);
        }
        return rows;
    }

    private static void assertClose(double expected, double actual, String what) {
        assertEquals(expected, actual, TOLERANCE * Math.max(1.0, Math.abs(expected)), what);
    }

    /**
     * The values actually drawn have the std the table promises, for the tensors of at least
     * 100,000 elements at width 64 (the hidden convolution and the hidden Linears), where
     * the sample std is within 1% of the true one with overwhelming probability; BatchNorm gains
     * are ones and biases zeros, and the running statistics keep DJL's zeros and ones.
     */
    @Test
    void drawnValuesHaveThePromisedStd() {
        for (String mode : MODES.keySet()) {
            Map<String, JsonObject> expected = referenceRows("batchnorm", 64);
            MuOptions options = MuOptions.builder().initMode(InitMode.parse(mode)).build();
            try (NDManager manager = NDManager.newBaseManager()) {
                MuModel model = CnnModels.create(options, 64, true);
                CnnModels.initialize(model, manager, 2);
                int checked = 0;
                for (MuParameter p : model.muParametrization().parameters()) {
                    long size = p.shape().stream().reduce(1L, (a, b) -> a * b);
                    if (size < 100_000) {
                        continue;
                    }
                    checked++;
                    NDArray values = CnnModels.parameter(model, p.name()).getArray();
                    double std = Math.sqrt(values.toType(DataType.FLOAT64, false).pow(2).mean().getDouble());
                    double want = expectedStd(expected.get(CnnModels.mupName(p.name(), true)), p, mode);
                    assertTrue(Math.abs(std / want - 1) < 0.01,
                            mode + " " + p.name() + ": drawn std " + std + ", expected " + want);
                }
                assertEquals(3, checked, "conv2.weight, fc1.weight and fc2.weight");
                for (String norm : List.of("norm1", "norm2", "norm3", "norm4")) {
                    assertConstant(model, norm + ".gamma", 1f);
                    assertConstant(model, norm + ".beta", 0f);
                    assertConstant(model, norm + ".runningMean", 0f);
                    assertConstant(model, norm + ".runningVar", 1f);
                }
            }
        }
    }

    private static void assertConstant(MuModel model, String name, float value) {
        float[] values = CnnModels.parameter(model, name).getArray().toFloatArray();
        for (float v : values) {
            assertEquals(value, v, 0f, name);
        }
    }

    /** A conv weight's shape is PyTorch's (out, in, kh, kw) in DJL too. */
    @Test
    void convolutionWeightsHavePyTorchsLayout() {
        try (NDManager manager = NDManager.newBaseManager()) {
            MuModel model = CnnModels.create(MuOptions.defaults(), 16, false);
            CnnModels.initialize(model, manager, 1);
            assertEquals(new Shape(16, 3, 5, 5), CnnModels.parameter(model, "conv1.weight").getShape());
            assertEquals(new Shape(32, 16, 5, 5), CnnModels.parameter(model, "conv2.weight").getShape());
            assertEquals(new Shape(256, 800), CnnModels.parameter(model, "fc1.weight").getShape());
        }
    }
}
