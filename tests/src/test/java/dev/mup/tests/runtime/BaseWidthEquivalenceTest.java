package dev.mup.tests.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import ai.djl.ndarray.NDManager;
import dev.mup.examples.data.TeacherTask;
import dev.mup.examples.mlp.MlpMuP;
import dev.mup.examples.train.ClassifierTraining;
import dev.mup.runtime.MuOptions;
import dev.mup.runtime.Parametrization;
import dev.mup.tests.support.Models;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** At base width μP is the standard parametrization; away from it, it is not. */
class BaseWidthEquivalenceTest {

    private static final MuOptions SP = MuOptions.builder().parametrization(Parametrization.SP).build();
    private static final TeacherTask DATA = TeacherTask.generate(640, Models.FEATURES, Models.CLASSES, 7);

    @Test
    void atBaseWidthMupEqualsStandardParametrization() {
        try (NDManager manager = NDManager.newBaseManager()) {
            MlpMuP mup = Models.mlp(manager, MuOptions.defaults(), 64, 11);
            MlpMuP sp = Models.mlp(manager, SP, 64, 11);
            Map<String, float[]> a = Models.snapshot(mup);
            Map<String, float[]> b = Models.snapshot(sp);
            for (String name : a.keySet()) {
                assertArrayEquals(a.get(name), b.get(name), "initial " + name);
            }
            List<Float> mupLosses = train(mup);
            List<Float> spLosses = train(sp);
            assertEquals(spLosses, mupLosses, "μP and SP losses at base width");
        }
    }

    @Test
    void awayFromBaseWidthMupDiffersFromStandardParametrization() {
        try (NDManager manager = NDManager.newBaseManager()) {
            MlpMuP mup = Models.mlp(manager, MuOptions.defaults(), 256, 11);
            MlpMuP sp = Models.mlp(manager, SP, 256, 11);
            assertNotEquals(train(sp), train(mup), "μP and SP at 4× the base width");
        }
    }

    private static List<Float> train(MlpMuP model) {
        return ClassifierTraining.train(model, model.adam(3e-3f).build(), DATA, 20, 32, step -> {});
    }
}
