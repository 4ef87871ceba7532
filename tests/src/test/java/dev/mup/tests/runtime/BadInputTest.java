package dev.mup.tests.runtime;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import dev.mup.examples.mlp.MlpMuP;
import dev.mup.runtime.InitMode;
import dev.mup.runtime.MuModelBuilder;
import dev.mup.runtime.MuOptions;
import dev.mup.tests.support.Models;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Every bad input gets an exception that names what is wrong. */
class BadInputTest {

    private static void assertMessage(Class<? extends Throwable> type, Executable call, String... parts) {
        Throwable t = assertThrows(type, call);
        for (String part : parts) {
            assertTrue(t.getMessage().contains(part),
                    "message should contain '" + part + "': " + t.getMessage());
        }
    }

    @Test
    void nonPositiveWidth() {
        assertMessage(IllegalArgumentException.class, () -> new MlpMuP(0, 16, 10), "width", "0");
        assertMessage(IllegalArgumentException.class, () -> new MlpMuP(-8, 16, 10), "width", "-8");
        assertMessage(IllegalArgumentException.class,
                () -> MuModelBuilder.forModel(Object.class, MuOptions.defaults()).width("dModel", 0, 64),
                "dModel", "0");
    }

    @Test
    void nonPositiveBase() {
        assertMessage(IllegalArgumentException.class,
                () -> MuOptions.builder().baseWidth("width", 0), "width", "0");
        assertMessage(IllegalArgumentException.class,
                () -> MuModelBuilder.forModel(Object.class, MuOptions.defaults()).width("dModel", 64, -1),
                "dModel", "-1");
    }

    @Test
    void baseOverrideForAnUnknownWidth() {
        MuOptions options = MuOptions.builder().baseWidth("dModel", 32).build();
        assertMessage(IllegalArgumentException.class, () -> new MlpMuP(options, 64, 16, 10),
                "dModel", "[width]");
    }

    @Test
    void layerSizeThatIsNotAMultipleOfItsWidth() {
        Linear layer = Linear.builder().setUnits(100).build();
        MuModelBuilder.forModel(Object.class, MuOptions.defaults()).width("w", 64, 32).input("first", layer, "w");
        try (NDManager manager = NDManager.newBaseManager()) {
            assertMessage(IllegalStateException.class,
                    () -> layer.initialize(manager, DataType.FLOAT32, new Shape(1, 8)),
                    "first", "'w' = 64", "100", "not a multiple");
        }
    }

    @Test
    void optimizerBeforeInitialization() {
        MlpMuP model = new MlpMuP(128, Models.FEATURES, Models.CLASSES);
        assertMessage(IllegalStateException.class, () -> model.adam(1e-3f).build(),
                "input.weight", "initialize");
        assertMessage(IllegalStateException.class, () -> model.sgd(0.1f).build(),
                "input.weight", "initialize");
        assertMessage(IllegalStateException.class, () -> model.muParametrization().parameters(),
                "input.weight", "initialize");
    }

    @Test
    void badHyperparameters() {
        MlpMuP model = new MlpMuP(128, Models.FEATURES, Models.CLASSES);
        assertMessage(IllegalArgumentException.class, () -> model.adam(0f), "learningRate", "0");
        assertMessage(IllegalArgumentException.class, () -> model.adam(-1f), "learningRate");
        assertMessage(IllegalArgumentException.class, () -> model.adam(1e-3f).optBeta2(1.0), "beta2", "[0, 1)");
        assertMessage(IllegalArgumentException.class, () -> model.adam(1e-3f).optEpsilon(0), "epsilon");
        assertMessage(IllegalArgumentException.class,
                () -> model.adamW(1e-3f, -0.1f), "weightDecay", "-0.1");
        assertMessage(IllegalArgumentException.class,
                () -> model.sgd(0.1f).optNesterov(true).build(), "Nesterov", "momentum");
        assertMessage(IllegalArgumentException.class,
                () -> MuOptions.builder().outputMultiplier(0), "outputMultiplier", "0");
        assertMessage(IllegalArgumentException.class,
                () -> MuOptions.builder().outputMultiplier(Double.NaN), "outputMultiplier", "NaN");
    }

    @Test
    void badInitModes() {
        assertMessage(IllegalArgumentException.class, () -> InitMode.parse("normal"), "normal", "needs a value");
        assertMessage(IllegalArgumentException.class, () -> InitMode.parse("normal:-1"), "std", "-1");
        assertMessage(IllegalArgumentException.class, () -> InitMode.parse("normal:abc"), "abc", "not a number");
        assertMessage(IllegalArgumentException.class, () -> InitMode.parse("he-normal"), "he-normal",
                "kaiming-normal-fan-in");
    }
}
