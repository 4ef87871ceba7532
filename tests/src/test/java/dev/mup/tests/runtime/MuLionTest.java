package dev.mup.tests.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.mup.examples.mlp.MlpMuP;
import dev.mup.runtime.MuLayer;
import dev.mup.runtime.MuLion;
import dev.mup.runtime.MuOptions;
import dev.mup.runtime.ParameterClass;
import dev.mup.runtime.ParameterScaling;
import dev.mup.runtime.Parametrization;
import dev.mup.runtime.WeightDecayMode;
import dev.mup.tests.support.Models;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The μP Lion optimizer against its formula, computed here in double for each parameter of the
 * MLP (width 256, base 64: m = 4) over three updates with given gradients:
 * {@code c = β1·m + (1−β1)·g; w ← w − lr·(sign(c) + wd·w)} (decoupled) or
 * {@code w ← w − lr·sign(c) − wd·w} (independent); {@code m ← β2·m + (1−β2)·g}; with μP's
 * learning rates as for Adam: {@code η/m} for the hidden weight, {@code η} for every other
 * parameter (Lion's step, a sign, is normalized like Adam's).
 */
class MuLionTest {

    private static final int WIDTH = 256;
    private static final double M = WIDTH / 64.0;
    private static final float LR = 0.01f;
    private static final float WD = 0.2f;
    private static final double BETA1 = 0.8;
    private static final double BETA2 = 0.95;
    private static final int STEPS = 3;

    /** One parameter: its id, its array, and the learning-rate multiplier the μP rules give it. */
    private record Tracked(String name, String id, NDArray weight, double lrMultiplier) {}

    private static List<Tracked> parameters(MlpMuP model) {
        List<Tracked> out = new ArrayList<>();
        for (MuLayer layer : model.muParametrization().layers()) {
            for (Parameter p : layer.block().getDirectParameters().values()) {
                ParameterClass c = layer.describe(p.getName(), p.getShape()).parameterClass();
                double lr = c == ParameterClass.HIDDEN ? 1 / M : 1;
                out.add(new Tracked(layer.field() + "." + p.getName(), p.getId(), p.getArray(), lr));
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0} decay, fused CPU update {1}")
    @CsvSource({"DECOUPLED, true", "DECOUPLED, false", "INDEPENDENT, true", "INDEPENDENT, false"})
    void updateFollowsTheFormulaWithMupLearningRates(WeightDecayMode mode, boolean fused) {
        try (NDManager manager = NDManager.newBaseManager()) {
            MlpMuP model = Models.mlp(manager, MuOptions.defaults(), WIDTH, 31);
            MuLion lion = model.lion(LR).optBeta1(BETA1).optBeta2(BETA2).optWeightDecay(WD, mode)
                    .optFusedCpuUpdate(fused).build();
            List<Tracked> tracked = parameters(model);
            assertEquals(6, tracked.size());
            Random random = new Random(7);
            for (Tracked t : tracked) {
                t.weight().setRequiresGradient(true);
                float[] w0 = t.weight().toFloatArray();
                double[] w = new double[w0.length];
                double[] m = new double[w0.length];
                for (int i = 0; i < w.length; i++) {
                    w[i] = w0[i];
                }
                double lr = LR * t.lrMultiplier();
                for (int step = 0; step < STEPS; step++) {
                    float[] g = new float[w.length];
                    for (int i = 0; i < g.length; i++) {
                        g[i] = (float) (random.nextGaussian() * 0.01);
                    }
                    try (NDArray grad = manager.create(g, t.weight().getShape())) {
                        lion.update(t.id(), t.weight(), grad);
                    }
                    for (int i = 0; i < w.length; i++) {
                        double c = BETA1 * m[i] + (1 - BETA1) * g[i];
                        if (mode == WeightDecayMode.DECOUPLED) {
                            w[i] -= lr * (Math.signum(c) + WD * w[i]);
                        } else {
                            w[i] -= lr * Math.signum(c) + WD * w[i];
                        }
                        m[i] = BETA2 * m[i] + (1 - BETA2) * g[i];
                    }
                    float[] actual = t.weight().toFloatArray();
                    for (int i = 0; i < w.length; i++) {
                        assertEquals(w[i], actual[i], 1e-6, t.name() + "[" + i + "] after update " + (step + 1));
                    }
                    assertEquals(0f, t.weight().getGradient().abs().sum().getFloat(), "gradient zeroed");
                }
            }
        }
    }

    @Test
    void learningRatesScaleLikeAdamsAndDecayIsNotRescaled() {
        try (NDManager manager = NDManager.newBaseManager()) {
            MlpMuP model = Models.mlp(manager, MuOptions.defaults(), WIDTH, 31);
            MuLion lion = model.lion(LR).optWeightDecay(WD, WeightDecayMode.DECOUPLED).build();
            for (Tracked t : parameters(model)) {
                ParameterScaling s = lion.scaling(t.id());
                assertEquals(t.lrMultiplier(), s.lrMultiplier(), 1e-15, t.name());
                assertEquals(1.0, s.weightDecayMultiplier(), 1e-15, t.name());
            }
            MlpMuP sp = Models.mlp(manager, MuOptions.builder().parametrization(Parametrization.SP).build(), WIDTH, 31);
            MuLion spLion = sp.lion(LR).build();
            for (Tracked t : parameters(sp)) {
                assertEquals(1.0, spLion.scaling(t.id()).lrMultiplier(), 1e-15, "SP " + t.name());
            }
        }
    }

    @Test
    void coupledDecayAndBadBetasAreRefused() {
        try (NDManager manager = NDManager.newBaseManager()) {
            MlpMuP model = Models.mlp(manager, MuOptions.defaults(), 64, 31);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> model.lion(LR).optWeightDecay(WD, WeightDecayMode.COUPLED).build());
            assertTrue(e.getMessage().contains("DECOUPLED"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> model.lion(LR).optBeta1(1.0));
            assertTrue(e.getMessage().contains("beta1"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> model.lion(LR).optBeta2(-0.1));
            assertTrue(e.getMessage().contains("beta2"), e.getMessage());
            // no decay in the default (coupled) mode is fine
            model.lion(LR).build();
        }
    }
}
