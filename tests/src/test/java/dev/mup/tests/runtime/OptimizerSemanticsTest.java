package dev.mup.tests.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.mup.examples.data.TeacherTask;
import dev.mup.examples.mlp.MlpMuP;
import dev.mup.examples.train.ClassifierTraining;
import dev.mup.runtime.MuOptions;
import dev.mup.runtime.WeightDecayMode;
import dev.mup.tests.support.Models;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * One optimizer step from a fixed state, compared against a reference step: DJL learning-rate
 * schedules scale every μP learning rate, and each weight-decay mode applies the decay the μP
 * rules promise. Expectations are derived here from the rules (width 256, base 64: m = 4).
 */
class OptimizerSemanticsTest {

    private static final int WIDTH = 256;
    private static final double M = WIDTH / 64.0;
    private static final float LR = 0.05f;
    private static final float WD = 0.1f;
    private static final TeacherTask DATA = TeacherTask.generate(64, Models.FEATURES, Models.CLASSES, 3);

    /** Parameter values after one step of a freshly built optimizer, from the same start. */
    private static Map<String, float[]> oneStep(Function<MlpMuP, Optimizer> optimizer) {
        try (NDManager manager = NDManager.newBaseManager()) {
            MlpMuP model = Models.mlp(manager, MuOptions.defaults(), WIDTH, 21);
            ClassifierTraining.train(model, optimizer.apply(model), DATA, 1, 32, s -> {});
            return Models.snapshot(model);
        }
    }

    private static Map<String, float[]> initial() {
        try (NDManager manager = NDManager.newBaseManager()) {
            return Models.snapshot(Models.mlp(manager, MuOptions.defaults(), WIDTH, 21));
        }
    }

    @Test
    void warmupScheduleScalesEveryMupLearningRate() {
        Map<String, float[]> w0 = initial();
        Map<String, float[]> fixed = oneStep(m -> m.sgd(LR).build());
        // linear warm-up from 0 over 4 updates: the first update uses a quarter of the rate
        Tracker warmup = Tracker.warmUp().setMainTracker(Tracker.fixed(LR)).optWarmUpSteps(4).build();
        Map<String, float[]> scheduled = oneStep(m -> m.sgd(1f).optLearningRateTracker(warmup).build());
        for (String name : w0.keySet()) {
            float[] a = w0.get(name);
            for (int i = 0; i < a.length; i++) {
                double full = fixed.get(name)[i] - a[i];
                double quarter = scheduled.get(name)[i] - a[i];
                assertEquals(full / 4, quarter, 1e-7, name + "[" + i + "]");
            }
        }
    }

    /** Expected SGD lr multiplier of each parameter of the MLP at m = 4 (rules table). */
    private static double sgdLr(String name) {
        if (name.contains("hidden") && name.endsWith("weight")) {
            return M / M; // m_out / m_in
        }
        if (name.contains("readout")) {
            return name.endsWith("weight") ? M : 1; // readout weight m_in, readout bias fixed
        }
        return M; // input-like: m_out
    }

    /** Expected Adam lr multiplier: hidden weights 1/m_in, everything else 1. */
    private static double adamLr(String name) {
        return name.contains("hidden") && name.endsWith("weight") ? 1 / M : 1;
    }

    private static void assertDecay(
            Map<String, float[]> w0, Map<String, float[]> without, Map<String, float[]> with,
            Function<String, Double> expectedFactor) {
        for (String name : w0.keySet()) {
            double factor = expectedFactor.apply(name);
            for (int i = 0; i < w0.get(name).length; i++) {
                double decay = with.get(name)[i] - without.get(name)[i];
                assertEquals(-factor * w0.get(name)[i], decay, 2e-7, name + "[" + i + "]");
            }
        }
    }

    @Test
    void coupledSgdDecayIsRescaledInverselyToTheLearningRate() {
        // mup: the decay term lr·mult_lr · wd·mult_wd · w equals lr·wd·w for every class
        Map<String, float[]> w0 = initial();
        assertDecay(w0, oneStep(m -> m.sgd(LR).build()),
                oneStep(m -> m.sgd(LR).optWeightDecay(WD, WeightDecayMode.COUPLED).build()),
                name -> (double) LR * WD);
    }

    @Test
    void decoupledDecayFollowsTheMupLearningRate() {
        Map<String, float[]> w0 = initial();
        assertDecay(w0, oneStep(m -> m.sgd(LR).build()),
                oneStep(m -> m.sgd(LR).optWeightDecay(WD, WeightDecayMode.DECOUPLED).build()),
                name -> LR * sgdLr(name) * WD);
        assertDecay(w0, oneStep(m -> m.adam(LR).build()),
                oneStep(m -> m.adamW(LR, WD).build()),
                name -> LR * adamLr(name) * WD);
    }

    @Test
    void independentDecayIsTheSameAtEveryWidth() {
        Map<String, float[]> w0 = initial();
        assertDecay(w0, oneStep(m -> m.adam(LR).build()),
                oneStep(m -> m.adam(LR).optWeightDecay(WD, WeightDecayMode.INDEPENDENT).build()),
                name -> (double) WD);
    }

    @Test
    void momentumAndNesterovFollowPytorch() {
        // two steps on the same batch twice: with momentum μ and no dampening the second
        // update is lr·(g2 + μ·g1) (heavy ball) or lr·(g2 + μ·(g2 + μ·g1)) (Nesterov)
        try (NDManager manager = NDManager.newBaseManager()) {
            MlpMuP plain = Models.mlp(manager, MuOptions.defaults(), WIDTH, 21);
            MlpMuP heavy = Models.mlp(manager, MuOptions.defaults(), WIDTH, 21);
            var a = ClassifierTraining.train(plain, plain.sgd(LR).build(), DATA, 3, 32, s -> {});
            var b = ClassifierTraining.train(heavy, heavy.sgd(LR).optMomentum(0.9).build(), DATA, 3, 32, s -> {});
            assertEquals(a.get(0), b.get(0), "same start");
            assertEquals(a.get(1), b.get(1), 1e-6, "first step: the buffer is the gradient itself");
            assertTrue(b.get(2) < a.get(2), "momentum accelerates: " + a + " vs " + b);
            MlpMuP nesterov = Models.mlp(manager, MuOptions.defaults(), WIDTH, 21);
            var c = ClassifierTraining.train(nesterov,
                    nesterov.sgd(LR).optMomentum(0.9).optNesterov(true).build(), DATA, 2, 32, s -> {});
            assertTrue(c.get(1) < a.get(1), "Nesterov's first step looks ahead by μ·g: " + a + " vs " + c);
        }
    }
}
