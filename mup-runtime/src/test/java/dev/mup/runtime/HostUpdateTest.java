package dev.mup.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

/**
 * The fused CPU update reaches the arrays' own memory, and only where writes through it reach
 * the array: never a copy that the PyTorch engine hands out for a non-contiguous array.
 */
class HostUpdateTest {

    @Test
    void contiguousFloatArraysShareTheirMemory() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray a = manager.arange(12f).reshape(3, 4);
            FloatBuffer memory = HostUpdate.sharedMemory(a);
            assertNotNull(memory);
            assertEquals(12, memory.capacity());
            memory.put(5, -1f);
            assertEquals(-1f, a.getFloat(1, 1));
            assertTrue(HostUpdate.sameMemory(memory, HostUpdate.sharedMemory(a)));
            assertFalse(HostUpdate.sameMemory(memory, HostUpdate.sharedMemory(a.duplicate())));
            assertEquals(-1f, a.getFloat(1, 1), "the check restores what it wrote");
        }
    }

    /**
     * An array longer than one parallel block, with a last block shorter than the others and a
     * last chunk shorter than {@link HostUpdate#CHUNK}: every element is read, zeroed and written
     * exactly once, in the right place, whichever thread does it.
     */
    @Test
    void arraysSplitAcrossThreadsUpdateEveryElementOnce() {
        int size = 2 * HostUpdate.BLOCK + HostUpdate.CHUNK + 3;
        FloatBuffer grad = direct(size);
        FloatBuffer zero = direct(size);
        FloatBuffer weight = direct(size);
        FloatBuffer first = direct(size);
        FloatBuffer second = direct(size);
        for (int i = 0; i < size; i++) {
            grad.put(i, i % 1000);
            zero.put(i, 7f);
            weight.put(i, -i);
            first.put(i, 1f);
            second.put(i, 2f);
        }
        HostUpdate.run(grad, zero, weight, first, second, (c, n) -> {
            for (int i = 0; i < n; i++) {
                c.weight[i] = c.weight[i] + c.grad[i] * 2f;
                c.first[i] = c.first[i] + 1f;
                c.second[i] = c.second[i] * c.grad[i];
            }
        });
        for (int i = 0; i < size; i++) {
            float g = i % 1000;
            assertEquals(-i + 2 * g, weight.get(i), "weight " + i);
            assertEquals(2f, first.get(i), "first state " + i);
            assertEquals(2 * g, second.get(i), "second state " + i);
            assertEquals(0f, zero.get(i), "zeroed gradient " + i);
            assertEquals(g, grad.get(i), "the gradient read is not written " + i);
        }
    }

    private static FloatBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    @Test
    void copiesAndOtherTypesAreRefused() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray a = manager.arange(12f).reshape(3, 4);
            assertNull(HostUpdate.sharedMemory(a.transpose()), "a non-contiguous view is copied");
            assertNull(HostUpdate.sharedMemory(a.toType(DataType.FLOAT64, true)));
            assertNull(HostUpdate.sharedMemory(manager.zeros(new Shape(0))));
        }
    }

    @Test
    void cpuParametersTakeTheFusedPathUnlessItIsTurnedOff() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Readout model = new Readout();
            model.initialize(manager, DataType.FLOAT32, new Shape(2, 8));
            NDArray w = model.readout.getParameters().valueAt(0).getArray();
            NDArray g = w.onesLike();
            for (boolean fused : new boolean[] {true, false}) {
                MuAdam adam = model.adam(1e-3f).optFusedCpuUpdate(fused).build();
                MuOptimizer.State state = adam.state("w", w, 2);
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    MuOptimizer.HostStep host = adam.hostStep(state, w, g);
                    assertEquals(fused, host != null);
                }
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    // the transpose is a copy: the update must not write into it
                    assertNull(adam.hostStep(state, w.transpose().transpose().transpose(), g.transpose()));
                }
            }
        }
    }

    /** A one-layer μP model: a readout of width 8, base 4. */
    private static final class Readout extends AbstractBlock implements MuModel {
        Linear readout;
        private final MuParametrization mu;

        Readout() {
            readout = addChildBlock("readout", Linear.builder().setUnits(3).build());
            MuModelBuilder builder = MuModelBuilder.forModel(Readout.class, MuOptions.defaults()).width("width", 8, 4);
            readout = builder.output("readout", readout, "width", 1.0, false, children);
            mu = builder.build();
        }

        @Override
        public MuParametrization muParametrization() {
            return mu;
        }

        @Override
        protected NDList forwardInternal(
                ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
            return readout.forward(ps, inputs, training);
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return new Shape[] {new Shape(inputShapes[0].get(0), 3)};
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            readout.initialize(manager, dataType, inputShapes);
        }
    }
}
