package dev.mup.tests.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.mup.examples.mlp.MlpMuP;
import dev.mup.runtime.InitMode;
import dev.mup.runtime.MuOptions;
import dev.mup.runtime.ParameterReport;
import dev.mup.runtime.Parametrization;
import dev.mup.runtime.UpdateRule;
import dev.mup.runtime.WeightDecayMode;
import dev.mup.tests.support.Models;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The init modes the conformance data does not cover (uniform, truncated normal, the uniform
 * variants of Xavier and Kaiming), zero init of the readout, and SP's inits, checked against the
 * formulas (width 1024, base 64: m = 16) and against the values drawn.
 */
class InitModesTest {

    private static final int WIDTH = 1024;
    private static final double M = 16;

    private static Map<String, Double> stds(MuOptions options) {
        try (NDManager manager = NDManager.newBaseManager()) {
            MlpMuP model = Models.mlp(manager, options, WIDTH, 5);
            Map<String, Double> out = new java.util.HashMap<>();
            for (ParameterReport r : model.muParametrization().report(UpdateRule.ADAM, WeightDecayMode.COUPLED)) {
                out.put(r.parameter().name(), r.scaling().initStd());
                String name = r.parameter().name();
                NDArray values = model.muParametrization().layer(r.parameter().layer()).orElseThrow().block()
                        .getParameters().get(name.substring(name.indexOf('.') + 1)).getArray();
                if (values.size() >= 16_000) {
                    double drawn = Math.sqrt(values.toType(DataType.FLOAT64, false).pow(2).mean().getDouble());
                    double want = r.scaling().initStd();
                    double tolerance = options.initMode().kind() == InitMode.Kind.TRUNCATED_NORMAL ? 0.15 : 0.02;
                    // a normal truncated at 2σ has std 0.88σ
                    double expectedDrawn = options.initMode().kind() == InitMode.Kind.TRUNCATED_NORMAL
                            ? want * 0.8796 : want;
                    assertTrue(Math.abs(drawn / expectedDrawn - 1) < tolerance,
                            options.initMode() + " " + name + ": drew std " + drawn + ", expected " + expectedDrawn);
                }
            }
            return out;
        }
    }

    @Test
    void uniformAndTruncatedNormalKeepBaseScaleExceptHiddenWeights() {
        Map<String, Double> uniform = stds(MuOptions.builder().initMode(InitMode.parse("uniform:0.05")).build());
        assertEquals(0.05 / Math.sqrt(3), uniform.get("input.weight"), 1e-15);
        assertEquals(0.05 / Math.sqrt(3) / Math.sqrt(M), uniform.get("hidden.weight"), 1e-15);
        assertEquals(0.05 / Math.sqrt(3), uniform.get("readout.weight"), 1e-15);
        Map<String, Double> trunc = stds(MuOptions.builder().initMode(InitMode.parse("trunc-normal:0.02")).build());
        assertEquals(0.02, trunc.get("input.weight"), 1e-15);
        assertEquals(0.02 / Math.sqrt(M), trunc.get("hidden.weight"), 1e-15);
    }

    @Test
    void uniformVariantsOfXavierAndKaimingUseBaseFans() {
        Map<String, Double> xavier = stds(MuOptions.builder().initMode(InitMode.parse("xavier-uniform")).build());
        assertEquals(Math.sqrt(2.0 / (64 + 64)) / Math.sqrt(M), xavier.get("hidden.weight"), 1e-15);
        assertEquals(Math.sqrt(2.0 / (Models.FEATURES + 64)), xavier.get("input.weight"), 1e-15);
        Map<String, Double> kaiming =
                stds(MuOptions.builder().initMode(InitMode.parse("kaiming-uniform-fan-out")).build());
        assertEquals(Math.sqrt(2) / Math.sqrt(64) / Math.sqrt(M), kaiming.get("hidden.weight"), 1e-15);
        assertEquals(Math.sqrt(2) / Math.sqrt(Models.CLASSES), kaiming.get("readout.weight"), 1e-15);
    }

    @Test
    void zeroInitReadoutStartsAtZero() {
        try (NDManager manager = NDManager.newBaseManager()) {
            MlpMuP model = Models.mlp(manager, MuOptions.builder().zeroInitReadout(true).build(), WIDTH, 5);
            NDArray w = model.muParametrization().layer("readout").orElseThrow().block()
                    .getParameters().get("weight").getArray();
            assertEquals(0f, w.abs().max().getFloat());
            NDArray b = model.muParametrization().layer("readout").orElseThrow().block()
                    .getParameters().get("bias").getArray();
            // mup's MuReadout zeroes weight and bias, so the first logits are exactly zero
            assertEquals(0f, b.abs().max().getFloat(), "the readout bias is zeroed too");
            NDArray logits = model.forward(new ParameterStore(manager, false),
                    new NDList(manager.randomNormal(new Shape(4, Models.FEATURES))),
                    false).singletonOrThrow();
            assertEquals(0f, logits.abs().max().getFloat(), "first logits are zero: first loss is ln(classes)");
            for (ParameterReport r : model.muParametrization().report(UpdateRule.ADAM, WeightDecayMode.COUPLED)) {
                boolean readout = r.parameter().layer().equals("readout");
                assertEquals(readout, r.parameter().zeroInit(), r.parameter().name());
                if (readout) {
                    assertEquals(0.0, r.scaling().initStd(), r.parameter().name());
                }
            }
        }
    }

    @Test
    void standardParametrizationUsesActualFans() {
        Map<String, Double> sp = stds(MuOptions.builder().parametrization(Parametrization.SP).build());
        // PyTorch's default Linear init, std 1/sqrt(3·fan_in), not rescaled
        assertEquals(1 / Math.sqrt(3.0 * WIDTH), sp.get("hidden.weight"), 1e-15);
        assertEquals(1 / Math.sqrt(3.0 * WIDTH), sp.get("readout.weight"), 1e-15);
        assertEquals(1 / Math.sqrt(3.0 * WIDTH), sp.get("hidden.bias"), 1e-15);
        Map<String, Double> spXavier = stds(MuOptions.builder().parametrization(Parametrization.SP)
                .initMode(InitMode.parse("xavier-normal")).build());
        assertEquals(Math.sqrt(2.0 / (WIDTH + WIDTH)), spXavier.get("hidden.weight"), 1e-15);
    }
}
