package dev.mup.tests.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.mup.examples.data.TeacherTask;
import dev.mup.examples.mlp.MlpMuP;
import dev.mup.examples.train.ClassifierTraining;
import dev.mup.runtime.MuOptions;
import dev.mup.runtime.ParameterReport;
import dev.mup.runtime.ReadoutForm;
import dev.mup.runtime.UpdateRule;
import dev.mup.runtime.WeightDecayMode;
import dev.mup.tests.support.Models;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The form without forward multipliers (Tensor Programs V, Table 3) trains like mup's form under
 * SGD: with {@code θ = m_in} on the readout, forward ×θ, init ÷θ, SGD lr ÷θ².
 */
class ReadoutFormTest {

    private static final int WIDTH = 256;
    private static final double THETA = 256 / 64.0;
    private static final MuOptions TABLE3 =
            MuOptions.builder().readoutForm(ReadoutForm.NO_FORWARD_MULTIPLIER).build();

    @Test
    void tableThreeScalingIsTheReparametrizationOfMupsForm() {
        try (NDManager manager = NDManager.newBaseManager()) {
            ParameterReport mup = readoutWeight(Models.mlp(manager, MuOptions.defaults(), WIDTH, 3));
            ParameterReport t3 = readoutWeight(Models.mlp(manager, TABLE3, WIDTH, 3));
            assertEquals(1.0 / THETA, mup.scaling().forwardMultiplier(), 1e-15);
            assertEquals(1.0, t3.scaling().forwardMultiplier(), 1e-15);
            assertEquals(mup.scaling().initStd() / THETA, t3.scaling().initStd(), 1e-15);
            assertEquals(mup.scaling().lrMultiplier() / (THETA * THETA), t3.scaling().lrMultiplier(), 1e-15);
        }
    }

    @Test
    void tableThreeFormTrainsLikeMupsFormUnderSgd() {
        TeacherTask data = TeacherTask.generate(1024, Models.FEATURES, Models.CLASSES, 5);
        try (NDManager manager = NDManager.newBaseManager()) {
            MlpMuP mup = Models.mlp(manager, MuOptions.defaults(), WIDTH, 3);
            MlpMuP t3 = Models.mlp(manager, TABLE3, WIDTH, 4);
            Map<String, float[]> values = Models.snapshot(mup);
            String readout = values.keySet().stream()
                    .filter(k -> k.contains("readout") && k.endsWith("weight")).findFirst().orElseThrow();
            float[] scaled = values.get(readout).clone();
            for (int i = 0; i < scaled.length; i++) {
                scaled[i] /= (float) THETA; // a power of two: exact
            }
            values.put(readout, scaled);
            Models.load(t3, values);

            List<Float> a = ClassifierTraining.train(mup, mup.sgd(0.5f).build(), data, 30, 32, s -> {});
            List<Float> b = ClassifierTraining.train(t3, t3.sgd(0.5f).build(), data, 30, 32, s -> {});
            for (int i = 0; i < a.size(); i++) {
                assertEquals(a.get(i), b.get(i), 1e-5, "loss before step " + (i + 1));
            }
            assertTrue(a.get(a.size() - 1) < a.get(0) - 0.1, "the run learned something: " + a);
            float[] wa = Models.snapshot(mup).get(readout);
            float[] wb = Models.snapshot(t3).get(readout);
            for (int i = 0; i < wa.length; i++) {
                assertEquals(wa[i], wb[i] * THETA, 1e-5, "readout weight " + i + " = θ × Table 3 weight");
            }
        }
    }

    private static ParameterReport readoutWeight(MlpMuP model) {
        return model.muParametrization().report(UpdateRule.SGD, WeightDecayMode.COUPLED).stream()
                .filter(r -> r.parameter().name().equals("readout.weight")).findFirst().orElseThrow();
    }
}
