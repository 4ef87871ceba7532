package dev.mup.tests.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import ai.djl.Model;
import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.mup.examples.data.TeacherTask;
import dev.mup.examples.mlp.MlpMuP;
import dev.mup.examples.train.ClassifierTraining;
import dev.mup.runtime.MuOptions;
import dev.mup.runtime.MuLinear;
import dev.mup.runtime.UpdateRule;
import dev.mup.runtime.WeightDecayMode;
import dev.mup.tests.support.Models;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trained μP model saved with DJL and loaded into a fresh generated model keeps its weights
 * bit for bit (nothing is rescaled a second time, unlike mup's {@code set_base_shapes} on a
 * loaded model) and its parametrization (readout multiplier, learning-rate multipliers).
 */
class SaveLoadTest {

    @Test
    void loadingRestoresWeightsAndParametrizationWithoutRescaling(@TempDir Path dir)
            throws IOException, MalformedModelException {
        TeacherTask data = TeacherTask.generate(512, Models.FEATURES, Models.CLASSES, 2);
        try (NDManager manager = NDManager.newBaseManager()) {
            MlpMuP trained = Models.mlp(manager, MuOptions.defaults(), 256, 9);
            ClassifierTraining.train(trained, trained.adam(1e-2f).build(), data, 10, 32, s -> {});
            Map<String, float[]> saved = Models.snapshot(trained);
            try (Model model = Model.newInstance("mlp")) {
                model.setBlock(trained);
                model.save(dir, "mlp");
            }

            MlpMuP loaded = new MlpMuP(256, Models.FEATURES, Models.CLASSES);
            try (Model model = Model.newInstance("mlp")) {
                model.setBlock(loaded);
                model.load(dir, "mlp");
                Map<String, float[]> restored = Models.snapshot(loaded);
                assertEquals(saved.keySet(), restored.keySet());
                for (String name : saved.keySet()) {
                    assertArrayEquals(saved.get(name), restored.get(name), name + " after loading");
                }
                NDArray x = manager.create(data.inputs(0, 8), new ai.djl.ndarray.types.Shape(8, Models.FEATURES));
                ParameterStore store = new ParameterStore(manager, false);
                NDArray expected = trained.forward(store, new NDList(x), false).singletonOrThrow();
                NDArray actual = loaded.forward(store, new NDList(x), false).singletonOrThrow();
                assertArrayEquals(expected.toFloatArray(), actual.toFloatArray(), "outputs after loading");

                MuLinear readout = assertInstanceOf(MuLinear.class,
                        loaded.muParametrization().layer("readout").orElseThrow().block());
                assertEquals(64f / 256f, readout.inputMultiplier());
                assertEquals(
                        trained.muParametrization().report(UpdateRule.ADAM, WeightDecayMode.COUPLED),
                        loaded.muParametrization().report(UpdateRule.ADAM, WeightDecayMode.COUPLED),
                        "μP table of the loaded model");
            }
        }
    }
}
