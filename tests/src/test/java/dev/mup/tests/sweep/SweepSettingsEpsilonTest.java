package dev.mup.tests.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mup.runtime.EpsilonScaling;
import dev.mup.runtime.precision.Precision;
import dev.mup.workflow.sweep.SweepSettings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Adam's ε and its μP scaling in a sweep's stored definition. */
class SweepSettingsEpsilonTest {

    private static SweepSettings settings(String optimizer, EpsilonScaling scaling, double epsilon) {
        return new SweepSettings("mlp", Map.of(), List.of("mup"), List.of(64, 128), 1, 10, 16, optimizer, 0.9, 0.99,
                "teacher", 2, Map.of("grid", Map.of("log2Lr", List.of(-8.0))), Precision.FP32, scaling, epsilon,
                List.of(), 0);
    }

    @Test
    void epsilonAndItsScalingSurviveTheStoredDefinition() {
        SweepSettings s = settings("adamw", EpsilonScaling.GLOBAL, 1e-6);
        String json = s.toJson();
        assertTrue(json.contains("\"epsilonScaling\": \"GLOBAL\""), json);
        assertTrue(json.contains("\"epsilon\": 1.0E-6"), json);
        SweepSettings read = SweepSettings.fromJson(json);
        assertEquals(EpsilonScaling.GLOBAL, read.epsilonScaling());
        assertEquals(1e-6, read.epsilon());
        assertEquals(s, read);
    }

    @Test
    void theDefaultsWriteTheOldDefinitionAndOldDefinitionsReadAsTheDefaults() {
        SweepSettings defaults = settings("adam", EpsilonScaling.FIXED, SweepSettings.DEFAULT_EPSILON);
        SweepSettings old = new SweepSettings("mlp", Map.of(), List.of("mup"), List.of(64, 128), 1, 10, 16, "adam",
                0.9, 0.99, "teacher", 2, Map.of("grid", Map.of("log2Lr", List.of(-8.0))), Precision.FP32);
        assertEquals(defaults, old);
        assertFalse(defaults.toJson().contains("epsilon"), defaults.toJson());
        SweepSettings read = SweepSettings.fromJson(defaults.toJson());
        assertEquals(EpsilonScaling.FIXED, read.epsilonScaling());
        assertEquals(1e-8, read.epsilon());
    }

    @Test
    void optimizersWithoutEpsilonRefuseEpsilonSettings() {
        for (String optimizer : List.of("adam-atan2", "lion", "lion-independent", "sgd")) {
            settings(optimizer, EpsilonScaling.FIXED, SweepSettings.DEFAULT_EPSILON);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> settings(optimizer, EpsilonScaling.HIDDEN, SweepSettings.DEFAULT_EPSILON));
            assertTrue(e.getMessage().contains(optimizer), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> settings(optimizer, EpsilonScaling.FIXED, 1e-6));
        }
        assertThrows(IllegalArgumentException.class, () -> settings("adam", EpsilonScaling.FIXED, 0));
        assertThrows(IllegalArgumentException.class, () -> settings("adam", null, 1e-8));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> settings("rmsprop", EpsilonScaling.FIXED, 1e-8));
        assertTrue(e.getMessage().contains("adam-atan2, lion or lion-independent"), e.getMessage());
    }
}
