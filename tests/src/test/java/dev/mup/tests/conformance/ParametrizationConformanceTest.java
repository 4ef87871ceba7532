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
import dev.mup.examples.mlp.MlpMuP;
import dev.mup.runtime.InitMode;
import dev.mup.runtime.MuOptions;
import dev.mup.runtime.MuParameter;
import dev.mup.runtime.ParameterClass;
import dev.mup.runtime.ParameterKind;
import dev.mup.runtime.ParameterReport;
import dev.mup.runtime.UpdateRule;
import dev.mup.runtime.WeightDecayMode;
import dev.mup.tests.support.Reference;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The μP table of the generated {@code MlpMuP} equals microsoft/mup's for its test MLP
 * ({@code 3072 → w → w → 10}, base width 64) at every reference width and in every init mode:
 * init std, forward multiplier, and the lr and weight-decay multipliers of MuAdam, MuAdam with
 * decoupled decay, and MuSGD.
 */
class ParametrizationConformanceTest {

    private static final double TOLERANCE = 1e-12;
    private static final JsonObject REFERENCE = Reference.json("mlp_parametrization.json");

    /** Our init modes and the key of the same initializer in the reference. */
    private static final Map<String, String> MODES = Map.of(
            "default", "",
            "normal:0.1", "normal_0.1",
            "xavier-normal", "xavier_normal",
            "kaiming-normal-fan-in", "kaiming_normal_fan_in_relu",
            "kaiming-normal-fan-out", "kaiming_normal_fan_out_relu");

    static Stream<Arguments> widthsAndModes() {
        List<Arguments> out = new ArrayList<>();
        for (String width : REFERENCE.getAsJsonObject("widths").keySet()) {
            for (String mode : MODES.keySet()) {
                out.add(Arguments.of(Integer.parseInt(width), mode));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "width {0}, init {1}")
    @MethodSource("widthsAndModes")
    void tableMatchesMup(int width, String mode) {
        assertEquals(64, REFERENCE.get("base_width").getAsInt());
        Map<String, JsonObject> expected = referenceRows(width);
        MuOptions options = MuOptions.builder().initMode(InitMode.parse(mode)).build();
        try (NDManager manager = NDManager.newBaseManager()) {
            MlpMuP model = new MlpMuP(options, width, 3072, 10);
            model.initialize(manager, DataType.FLOAT32, new Shape(1, 3072));
            List<MuParameter> parameters = model.muParametrization().parameters();
            assertEquals(expected.size(), parameters.size(), "number of parameters");
            List<String> order = new ArrayList<>();
            for (MuParameter p : parameters) {
                order.add(Reference.mupName(p.name()));
            }
            assertEquals(new ArrayList<>(expected.keySet()), order, "forward order, weight before bias");

            check(model, expected, UpdateRule.ADAM, WeightDecayMode.COUPLED, "adam", mode, width);
            check(model, expected, UpdateRule.ADAM, WeightDecayMode.DECOUPLED, "adam_decoupled_wd", mode, width);
            check(model, expected, UpdateRule.SGD, WeightDecayMode.COUPLED, "sgd", mode, width);
        }
    }

    private static void check(
            MlpMuP model,
            Map<String, JsonObject> expected,
            UpdateRule rule,
            WeightDecayMode decay,
            String optimizerKey,
            String mode,
            int width) {
        for (ParameterReport row : model.muParametrization().report(rule, decay)) {
            MuParameter p = row.parameter();
            JsonObject ref = expected.get(Reference.mupName(p.name()));
            String where = "width " + width + ", init " + mode + ", " + optimizerKey + ", " + p.name();
            assertEquals(shape(ref), p.shape(), where + ": shape");
            assertClose(expectedStd(ref, p, mode), row.scaling().initStd(), where + ": init std");
            assertClose(ref.get("forward_multiplier").getAsDouble(), row.scaling().forwardMultiplier(),
                    where + ": forward multiplier");
            JsonObject opt = ref.getAsJsonObject(optimizerKey);
            assertClose(opt.get("lr_mult").getAsDouble(), row.scaling().lrMultiplier(), where + ": lr multiplier");
            assertClose(opt.get("weight_decay_mult").getAsDouble(), row.scaling().weightDecayMultiplier(),
                    where + ": weight-decay multiplier");
            if (ref.get("ninf").getAsInt() > 0) {
                assertEquals(expectedClass(ref), p.parameterClass(), where + ": class");
            }
        }
    }

    /**
     * The reference gives mup's initializers for weights only; biases keep PyTorch's default
     * bias init rescaled by mup, in every mode (our documented contract).
     */
    private static double expectedStd(JsonObject ref, MuParameter p, String mode) {
        String key = MODES.get(mode);
        if (key.isEmpty() || p.kind() != ParameterKind.WEIGHT) {
            return ref.get("init_std_default_after_rescale").getAsDouble();
        }
        return ref.getAsJsonObject("init_std_mup_init").get(key).getAsDouble();
    }

    /** mup's infinite dims are listed as (fan_out, fan_in) for weights and (fan_out) for biases. */
    private static ParameterClass expectedClass(JsonObject ref) {
        JsonArray inf = ref.getAsJsonArray("infinite_dims");
        boolean fanOut = inf.get(0).getAsBoolean();
        boolean fanIn = inf.size() > 1 && inf.get(1).getAsBoolean();
        return ParameterClass.of(fanIn, fanOut);
    }

    private static List<Long> shape(JsonObject ref) {
        List<Long> out = new ArrayList<>();
        for (JsonElement e : ref.getAsJsonArray("shape")) {
            out.add(e.getAsLong());
        }
        return out;
    }

    private static Map<String, JsonObject> referenceRows(int width) {
        Map<String, JsonObject> rows = new java.util.LinkedHashMap<>();
        for (JsonElement e : REFERENCE.getAsJsonObject("widths").getAsJsonArray(String.valueOf(width))) {
            JsonObject o = e.getAsJsonObject();
            rows.put(o.get("name").getAsString(), o);
        }
        return rows;
    }

    private static void assertClose(double expected, double actual, String what) {
        assertEquals(expected, actual, TOLERANCE * Math.max(1.0, Math.abs(expected)), what);
    }

    /**
     * The values actually drawn have the std the table promises (large tensors only, where the
     * sample std is within 1% of the true one with overwhelming probability).
     */
    @Test
    void drawnValuesHaveThePromisedStd() {
        for (String mode : MODES.keySet()) {
            for (int width : new int[] {64, 1024}) {
                Map<String, JsonObject> expected = referenceRows(width);
                MuOptions options = MuOptions.builder().initMode(InitMode.parse(mode)).build();
                try (NDManager manager = NDManager.newBaseManager()) {
                    MlpMuP model = new MlpMuP(options, width, 3072, 10);
                    model.initialize(manager, DataType.FLOAT32, new Shape(1, 3072));
                    for (MuParameter p : model.muParametrization().parameters()) {
                        long size = p.shape().stream().reduce(1L, (a, b) -> a * b);
                        if (size < 100_000) {
                            continue;
                        }
                        NDArray values = model.muParametrization().layer(p.layer()).orElseThrow()
                                .block().getParameters().get(p.name().substring(p.layer().length() + 1))
                                .getArray();
                        double std = Math.sqrt(values.toType(DataType.FLOAT64, false)
                                .pow(2).mean().getDouble());
                        double want = expectedStd(expected.get(Reference.mupName(p.name())), p, mode);
                        assertTrue(Math.abs(std / want - 1) < 0.01,
                                mode + " width " + width + " " + p.name() + ": drawn std " + std
                                        + ", expected " + want);
                    }
                }
            }
        }
    }
}
