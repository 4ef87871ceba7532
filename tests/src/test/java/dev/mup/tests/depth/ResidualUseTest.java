package dev.mup.tests.depth;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.mup.runtime.MuOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A block that declares a {@code MuResidual} but adds its branch with {@code x.add(branch)} would
 * leave depth scaling silently: the runtime refuses it on the first forward pass under depth
 * scaling, and only there.
 */
class ResidualUseTest {

    private static final int FEATURES = 5;
    private static final int DEPTH = 3;

    private static ResidualNetMuP net(NDManager manager, double depthExponent, boolean throughResidual) {
        Engine.getInstance().setRandomSeed(11);
        ResidualNetMuP net = new ResidualNetMuP(MuOptions.builder().depthExponent(depthExponent).build(),
                16, DEPTH, 4, throughResidual);
        net.initialize(manager, DataType.FLOAT32, new Shape(2, FEATURES));
        return net;
    }

    private static NDArray forward(ResidualNetMuP net, NDArray x, boolean training) {
        return net.forward(new ParameterStore(x.getManager(), false), new NDList(x), training).singletonOrThrow();
    }

    @Test
    void aDeclaredButUncalledResidualIsRefusedUnderDepthScaling() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.randomNormal(new Shape(2, FEATURES));
            ResidualNetMuP net = net(manager, 1, false);
            assertEquals(List.of("blocks.0.residual", "blocks.1.residual", "blocks.2.residual"),
                    List.copyOf(net.muParametrization().residuals().keySet()));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> forward(net, x, true));
            assertTrue(e.getMessage().contains("blocks.0.residual, blocks.1.residual, blocks.2.residual"), e.getMessage());
            assertTrue(e.getMessage().contains("depthExponent 1.0"), e.getMessage());
            assertTrue(e.getMessage().contains("write x = residual.add(x, branch) instead of x.add(branch)"),
                    e.getMessage());
            // not only the first pass, and evaluation too: the outputs are not μP's either way
            assertThrows(IllegalStateException.class, () -> forward(net, x, true));
            assertThrows(IllegalStateException.class, () -> forward(net, x, false));
        }
    }

    @Test
    void withoutDepthScalingAnUncalledResidualChangesNothingAndIsAllowed() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.randomNormal(new Shape(2, FEATURES));
            ResidualNetMuP unused = net(manager, 0, false);
            ResidualNetMuP used = net(manager, 0, true);
            float[] a = assertDoesNotThrow(() -> forward(unused, x, true)).toFloatArray();
            float[] b = forward(used, x, true).toFloatArray();
            assertEquals(a.length, b.length);
            for (int i = 0; i < a.length; i++) {
                assertEquals(b[i], a[i], 0f, "the multiplier 1 sum is x.add(branch) exactly, entry " + i);
            }
            assertDoesNotThrow(() -> forward(unused, x, false));
        }
    }

    @Test
    void aBlockThatAddsThroughItsResidualPasses() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.randomNormal(new Shape(2, FEATURES));
            // depth 3, base 1: m_L = 3; α = 1: branches × 1/3
            ResidualNetMuP net = net(manager, 1, true);
            net.muParametrization().residuals().values()
                    .forEach(r -> assertEquals(1.0 / 3, r.scale(), 1e-15));
            assertDoesNotThrow(() -> forward(net, x, false));
            assertDoesNotThrow(() -> forward(net, x, true));
            assertDoesNotThrow(() -> forward(net, x, true));
            // a refused model in the same JVM does not affect this one: the state is per model
            ResidualNetMuP wrong = net(manager, 1, false);
            assertThrows(IllegalStateException.class, () -> forward(wrong, x, true));
            assertDoesNotThrow(() -> forward(net, x, true));
        }
    }
}
