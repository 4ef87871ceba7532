package dev.mup.tests.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.LocalParameterServer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.mup.examples.mlp.MlpMuP;
import dev.mup.runtime.MuOptions;
import dev.mup.tests.support.Models;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A parameter held on two devices, updated as DJL's {@link LocalParameterServer} does: one
 * {@code update} call per replica with the same id and the summed gradient in each training step.
 * On the CPU both replicas are arrays on the same device. The μP optimizer must count one step
 * per training step (the warm-up schedule and Adam's bias correction see step 1, 2, 3) and leave
 * both replicas equal to a single copy updated once per step with the summed gradient.
 */
class ReplicaUpdateTest {

    private static final int WIDTH = 128;
    private static final int STEPS = 3;

    /** A warm-up over 4 steps: a step counted twice would use twice the rate. */
    private static Tracker warmup(float lr) {
        return Tracker.warmUp().setMainTracker(Tracker.fixed(lr)).optWarmUpSteps(4).build();
    }

    static Stream<Arguments> optimizers() {
        return Stream.of(
                Arguments.of("sgd with momentum, warm-up", (Function<MlpMuP, Optimizer>) m ->
                        m.sgd(1f).optLearningRateTracker(warmup(0.05f)).optMomentum(0.9).build()),
                Arguments.of("sgd with Nesterov momentum, array operations", (Function<MlpMuP, Optimizer>) m ->
                        m.sgd(0.05f).optMomentum(0.9).optNesterov(true).optFusedCpuUpdate(false).build()),
                Arguments.of("adam, warm-up", (Function<MlpMuP, Optimizer>) m ->
                        m.adam(1f).optLearningRateTracker(warmup(0.01f)).build()),
                Arguments.of("adamW, array operations", (Function<MlpMuP, Optimizer>) m ->
                        m.adamW(0.01f, 0.1f).optFusedCpuUpdate(false).build()),
                Arguments.of("lion, warm-up", (Function<MlpMuP, Optimizer>) m ->
                        m.lion(1f).optLearningRateTracker(warmup(0.001f)).build()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void twoReplicasTakeOneStepAndStayEqual(String name, Function<MlpMuP, Optimizer> build) {
        try (NDManager manager = NDManager.newBaseManager()) {
            MlpMuP model = Models.mlp(manager, MuOptions.defaults(), WIDTH, 3);
            for (String layer : new String[] {"input", "hidden", "readout"}) {
                var parameter = model.muParametrization().layer(layer).orElseThrow().block()
                        .getParameters().get("weight");
                String id = parameter.getId();
                NDArray start = parameter.getArray();
                Engine.getInstance().setRandomSeed(11);
                List<NDArray[]> gradients = new ArrayList<>();
                for (int t = 0; t < STEPS; t++) {
                    gradients.add(new NDArray[] {
                        manager.randomNormal(0, 1e-2f, start.getShape(), start.getDataType()),
                        manager.randomNormal(0, 1e-2f, start.getShape(), start.getDataType())});
                }

                // one copy, one update per step with the summed gradient
                Optimizer single = build.apply(model);
                NDArray alone = start.duplicate();
                alone.setRequiresGradient(true);
                for (NDArray[] g : gradients) {
                    try (NDArray sum = g[0].add(g[1])) {
                        single.update(id, alone, sum);
                    }
                }

                // two replicas through DJL's parameter server
                Optimizer replicated = build.apply(model);
                LocalParameterServer server = new LocalParameterServer(replicated);
                NDArray a = start.duplicate();
                NDArray b = start.duplicate();
                a.setRequiresGradient(true);
                b.setRequiresGradient(true);
                for (NDArray[] g : gradients) {
                    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        collector.backward(a.mul(g[0]).sum().add(b.mul(g[1]).sum()));
                    }
                    server.update(id, new NDArray[] {a, b});
                    try (NDArray ga = a.getGradient(); NDArray gb = b.getGradient()) {
                        assertEquals(0f, ga.abs().max().getFloat(), name + ": " + layer + " first gradient zeroed");
                        assertEquals(0f, gb.abs().max().getFloat(), name + ": " + layer + " second gradient zeroed");
                    }
                }
                float[] expected = alone.toFloatArray();
                assertNotEquals(start.toFloatArray()[0], expected[0], name + ": " + layer + " moved");
                assertArrayEquals(expected, a.toFloatArray(), name + ": " + layer + " first replica, one step per step");
                assertArrayEquals(expected, b.toFloatArray(), name + ": " + layer + " second replica equal to the first");
            }
        }
    }
}
