package dev.mup.tests.depth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.mup.examples.mlp.MlpMuP;
import dev.mup.runtime.MuAdamAtan2;
import dev.mup.runtime.MuOptions;
import dev.mup.tests.support.Models;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Adam-atan2 (Everett et al. 2024) computes {@code θ ← θ − η·μ·a·atan2(m̂, b·√v̂)} with Adam's
 * moments and μP learning-rate multiplier μ: checked entry by entry against the formula evaluated
 * here in double, over three steps of known gradients (some entries zero throughout, where the
 * update must be 0), on the fused CPU pass and on the array-operation path.
 */
class AdamAtan2Test {

    private static final int WIDTH = 128; // base 64: hidden lr multiplier 1/2
    private static final double LR = 0.01;
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;

    @ParameterizedTest(name = "fused {0}")
    @ValueSource(booleans = {true, false})
    void updateIsTheAtan2Formula(boolean fused) {
        check(fused, 1.27, 1.0, 1.0);
        check(fused, 0.5, 3.0, 1.0);
    }

    @Test
    void updateDoesNotDependOnTheGradientScale() {
        // atan2 is scale invariant: gradients a million times smaller give the same steps (Adam's
        // would shrink, since ε = 1e-8 is then comparable to √v̂)
        check(true, 1.27, 1.0, 1e-6);
    }

    @Test
    void rejectsBadConstants() {
        try (NDManager manager = NDManager.newBaseManager()) {
            MlpMuP model = Models.mlp(manager, MuOptions.defaults(), WIDTH, 3);
            assertThrows(IllegalArgumentException.class, () -> MuAdamAtan2.builder(model).optA(0));
            assertThrows(IllegalArgumentException.class, () -> MuAdamAtan2.builder(model).optB(-1));
            assertThrows(IllegalArgumentException.class, () -> MuAdamAtan2.builder(model).optBeta2(1));
        }
    }

    private static void check(boolean fused, double a, double b, double gradientScale) {
        try (NDManager manager = NDManager.newBaseManager()) {
            MlpMuP model = Models.mlp(manager, MuOptions.defaults(), WIDTH, 5);
            MuAdamAtan2 optimizer = MuAdamAtan2.builder(model)
                    .optLearningRate((float) LR)
                    .optA(a)
                    .optB(b)
                    .optFusedCpuUpdate(fused)
                    .build();
            Parameter hidden = model.getParameters().stream()
                    .filter(p -> p.getKey().contains("hidden") && p.getKey().endsWith("weight"))
                    .findFirst().orElseThrow().getValue();
            NDArray weight = hidden.getArray();
            int n = (int) weight.size();
            double mu = 64.0 / WIDTH; // the μP Adam multiplier of a hidden weight, 1/m_in
            double[] w = toDouble(weight.toFloatArray());
            double[] m = new double[n];
            double[] v = new double[n];
            Random random = new Random(11);
            for (int t = 1; t <= 3; t++) {
                float[] g = new float[n];
                for (int i = 0; i < n; i++) {
                    // every tenth entry never gets a gradient: atan2(0, 0) = 0, no step
                    g[i] = i % 10 == 0 ? 0f : (float) (random.nextGaussian() * gradientScale);
                }
                try (NDArray grad = manager.create(g, weight.getShape())) {
                    optimizer.update(hidden.getId(), weight, grad);
                }
                float[] actual = weight.toFloatArray();
                for (int i = 0; i < n; i++) {
                    m[i] = BETA1 * m[i] + (1 - BETA1) * g[i];
                    v[i] = BETA2 * v[i] + (1 - BETA2) * (double) g[i] * g[i];
                    double mHat = m[i] / (1 - Math.pow(BETA1, t));
                    double vHat = v[i] / (1 - Math.pow(BETA2, t));
                    w[i] -= LR * mu * a * Math.atan2(mHat, b * Math.sqrt(vHat));
                    if (i % 10 == 0) {
                        assertEquals((float) w[i], actual[i], 0f, "entry " + i + " without gradient moved");
                    }
                    // float arithmetic: a few ulps of the weight, plus a few of the step
                    assertEquals(w[i], actual[i], 4e-7 * Math.abs(w[i]) + 1e-6 * LR * mu * a,
                            "t=" + t + " entry " + i + " (fused " + fused + ", a " + a + ", b " + b + ")");
                }
                // the next comparison starts from what the optimizer wrote
                w = toDouble(actual);
            }
        }
    }

    private static double[] toDouble(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }
}
