package dev.mup.tests.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.util.Pair;
import dev.mup.examples.data.TeacherTask;
import dev.mup.examples.mlp.MlpMuP;
import dev.mup.runtime.MuAdam;
import dev.mup.runtime.MuOptions;
import dev.mup.runtime.MuSgd;
import dev.mup.runtime.WeightDecayMode;
import dev.mup.tests.support.Models;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fused CPU update (one pass in Java over each parameter's memory) against the engine's array
 * operations ({@code optFusedCpuUpdate(false)}), whether DJL's trainer steps (it passes a copy of
 * each gradient) or the optimizer is called with each parameter's own gradient; both zero the
 * gradient.
 *
 * <p>SGD gives the same bits. Adam differs only through the square root: the fused pass uses
 * Java's correctly rounded one, while libtorch's CPU {@code sqrt} (MKL's vector math) is off by
 * one unit in the last place on about one float in six; the Debian PyTorch 1.13 build, without
 * MKL, rounds correctly as Java does.
 */
class FusedUpdateTest {

    private static final int WIDTH = 128;
    private static final int STEPS = 3;
    private static final int BATCH = 16;
    private static final float LR = 0.02f;
    private static final float WD = 0.1f;
    private static final TeacherTask DATA = TeacherTask.generate(STEPS * BATCH, Models.FEATURES, Models.CLASSES, 5);

    /** Builds an optimizer for a model, fused or not. */
    private interface Setting extends BiFunction<MlpMuP, Boolean, Optimizer> {}

    static Stream<Arguments> sgdSettings() {
        return Stream.of(
                Arguments.of("sgd, coupled decay", (Setting) (m, fused) -> sgd(m, fused)
                        .optWeightDecay(WD, WeightDecayMode.COUPLED).build()),
                Arguments.of("sgd, momentum and dampening, decoupled decay", (Setting) (m, fused) -> sgd(m, fused)
                        .optMomentum(0.9).optDampening(0.1).optWeightDecay(WD, WeightDecayMode.DECOUPLED).build()),
                Arguments.of("sgd, Nesterov, independent decay, rescaled and clipped", (Setting) (m, fused) ->
                        sgd(m, fused).optMomentum(0.9).optNesterov(true).setRescaleGrad(0.5f).optClipGrad(5e-3f)
                                .optWeightDecay(WD, WeightDecayMode.INDEPENDENT).build()));
    }

    static Stream<Arguments> adamSettings() {
        return Stream.of(
                Arguments.of("adam, coupled decay", (Setting) (m, fused) -> adam(m, fused)
                        .optWeightDecay(WD, WeightDecayMode.COUPLED).build()),
                Arguments.of("adamW", (Setting) (m, fused) -> adam(m, fused)
                        .optWeightDecay(WD, WeightDecayMode.DECOUPLED).build()),
                Arguments.of("adam, independent decay, betas", (Setting) (m, fused) -> adam(m, fused)
                        .optBeta1(0.8).optBeta2(0.99).optEpsilon(1e-6)
                        .optWeightDecay(WD, WeightDecayMode.INDEPENDENT).build()),
                Arguments.of("adam, rescaled and clipped gradient", (Setting) (m, fused) -> adam(m, fused)
                        .setRescaleGrad(0.5f).optClipGrad(2e-3f).build()));
    }

    private static MuAdam.Builder adam(MlpMuP model, boolean fused) {
        return model.adam(LR).optFusedCpuUpdate(fused);
    }

    private static MuSgd.Builder sgd(MlpMuP model, boolean fused) {
        return model.sgd(LR).optFusedCpuUpdate(fused);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sgdSettings")
    void sgdGivesTheSameBits(String name, Setting setting) {
        Map<String, float[]> initial = initial();
        for (boolean viaTrainer : new boolean[] {true, false}) {
            Map<String, float[]> fused = train(setting, true, viaTrainer);
            Map<String, float[]> arrays = train(setting, false, viaTrainer);
            for (String p : fused.keySet()) {
                float[] a = fused.get(p);
                float[] b = arrays.get(p);
                for (int i = 0; i < a.length; i++) {
                    int index = i;
                    assertEquals(Float.floatToIntBits(b[i]), Float.floatToIntBits(a[i]),
                            () -> name + (viaTrainer ? ", trainer: " : ", update: ") + p + "[" + index + "]");
                }
                assertNotEquals(initial.get(p)[0], a[0], name + ": " + p + " moved");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("adamSettings")
    void adamOnTheSameGradientsDiffersOnlyByTheRoundingOfTheSquareRoot(String name, Setting setting) {
        // the same gradients at every step, so that differences do not feed back through them
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(8);
            List<NDArray> gradients = new ArrayList<>();
            for (int t = 0; t < 5; t++) {
                gradients.add(manager.randomNormal(0, 1e-3f, new Shape(64, 64), ai.djl.ndarray.types.DataType.FLOAT32));
            }
            NDArray start = manager.randomNormal(new Shape(64, 64));
            float[] fused = stepOnFixedGradients(manager, setting, true, start, gradients);
            float[] arrays = stepOnFixedGradients(manager, setting, false, start, gradients);
            float[] w0 = start.toFloatArray();
            for (int i = 0; i < fused.length; i++) {
                // each step's update agrees to a few units in its last place (the square root is
                // off by at most one), and the weight rounds each step
                double moved = Math.abs(arrays[i] - w0[i]) + 5 * LR;
                double tolerance = 5 * (4 * Math.ulp(Math.abs(arrays[i])) + 1e-6 * moved);
                assertTrue(Math.abs(fused[i] - arrays[i]) <= tolerance,
                        name + " [" + i + "]: " + fused[i] + " vs " + arrays[i]);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("adamSettings")
    void adamTrainsTheSameModel(String name, Setting setting) {
        for (boolean viaTrainer : new boolean[] {true, false}) {
            Map<String, float[]> fused = train(setting, true, viaTrainer);
            Map<String, float[]> arrays = train(setting, false, viaTrainer);
            for (String p : fused.keySet()) {
                // the conformance tests' measure: ‖θ − θ'‖₂ / ‖θ'‖₂
                double diff = 0;
                double norm = 0;
                for (int i = 0; i < fused.get(p).length; i++) {
                    double d = fused.get(p)[i] - arrays.get(p)[i];
                    diff += d * d;
                    norm += (double) arrays.get(p)[i] * arrays.get(p)[i];
                }
                double relative = norm == 0 ? Math.sqrt(diff) : Math.sqrt(diff / norm);
                assertTrue(relative <= 1e-6, name + (viaTrainer ? ", trainer: " : ", update: ") + p
                        + " relative difference " + relative);
            }
        }
    }

    /** A weight after one update per gradient, calling the optimizer directly. */
    private static float[] stepOnFixedGradients(
            NDManager manager, Setting setting, boolean fused, NDArray start, List<NDArray> gradients) {
        MlpMuP model = Models.mlp(manager, MuOptions.defaults(), WIDTH, 4);
        Optimizer optimizer = setting.apply(model, fused);
        NDArray w = start.duplicate();
        w.setRequiresGradient(true);
        // a μP optimizer updates only its model's parameters: the input weight's id, whose
        // multipliers are all 1 (input-like under Adam), as the made-up id "weight" had
        String id = model.muParametrization().layer("input").orElseThrow().block()
                .getParameters().get("weight").getId();
        for (NDArray g : gradients) {
            optimizer.update(id, w, g);
        }
        return w.toFloatArray();
    }

    private static Map<String, float[]> initial() {
        try (NDManager manager = NDManager.newBaseManager()) {
            return Models.snapshot(Models.mlp(manager, MuOptions.defaults(), WIDTH, 4));
        }
    }

    /** Parameters after {@link #STEPS} steps; checks every gradient is zeroed after each step. */
    private static Map<String, float[]> train(Setting setting, boolean fused, boolean viaTrainer) {
        try (NDManager manager = NDManager.newBaseManager()) {
            MlpMuP mlp = Models.mlp(manager, MuOptions.defaults(), WIDTH, 4);
            Optimizer optimizer = setting.apply(mlp, fused);
            try (Model model = Model.newInstance("fused")) {
                model.setBlock(mlp);
                DefaultTrainingConfig config =
                        new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss()).optOptimizer(optimizer);
                try (Trainer trainer = model.newTrainer(config)) {
                    for (int step = 0; step < STEPS; step++) {
                        try (NDManager batch = trainer.getManager().newSubManager()) {
                            NDArray x = batch.create(
                                    DATA.inputs(step * BATCH, BATCH), new Shape(BATCH, Models.FEATURES));
                            NDArray y = batch.create(DATA.labels(step * BATCH, BATCH));
                            try (GradientCollector collector = trainer.newGradientCollector()) {
                                NDList out = trainer.forward(new NDList(x));
                                collector.backward(trainer.getLoss().evaluate(new NDList(y), out));
                            }
                            if (viaTrainer) {
                                trainer.step();
                            } else {
                                for (Pair<String, Parameter> pair : mlp.getParameters()) {
                                    NDArray w = pair.getValue().getArray();
                                    try (NDArray g = w.getGradient()) {
                                        optimizer.update(pair.getValue().getId(), w, g);
                                    }
                                }
                            }
                        }
                        for (Pair<String, Parameter> pair : mlp.getParameters()) {
                            try (NDArray g = pair.getValue().getArray().getGradient();
                                    NDArray max = g.abs().max()) {
                                assertEquals(0f, max.getFloat(), pair.getKey() + " gradient zeroed");
                            }
                        }
                    }
                }
            }
            return Models.snapshot(mlp);
        }
    }
}
