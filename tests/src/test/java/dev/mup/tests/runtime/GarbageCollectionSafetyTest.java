package dev.mup.tests.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.mup.examples.gpt.CharCorpus;
import dev.mup.examples.gpt.GptMuP;
import dev.mup.examples.gpt.SequenceLoss;
import dev.mup.examples.gpt.TiedGptMuP;
import dev.mup.runtime.MuModel;
import dev.mup.runtime.MuOptions;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * A garbage collection between forward and backward must not change the gradients.
 *
 * <p>On DJL's PyTorch engine a constant multiplied in with {@code NDArray.mul(float)} lives in a
 * Java direct buffer that autograd keeps using for backward after Java has let go of it; once
 * collected, backward read freed memory (rare wrong or NaN gradients in the coordinate check,
 * seen only on busy machines). The μP blocks scale by constants in every forward pass (attention
 * logits, input and readout multipliers, tied logits), so they must hold their constants in
 * engine-owned memory. This test collects garbage, and overwrites freed native memory with NaN,
 * between forward and backward, and requires the gradients to be bit-identical to an undisturbed
 * pass.
 */
class GarbageCollectionSafetyTest {

    private static final CharCorpus CORPUS = CharCorpus.builtIn();
    private static final int WIDTH = 128; // twice the base: every μP multiplier differs from 1

    @Test
    void gptGradientsSurviveACollectionBetweenForwardAndBackward() throws InterruptedException {
        assertSameGradients(manager -> new GptMuP(MuOptions.defaults(), CORPUS.vocabulary(), 16, 2, WIDTH, 16));
    }

    @Test
    void tiedGptGradientsSurviveACollectionBetweenForwardAndBackward() throws InterruptedException {
        assertSameGradients(manager -> new TiedGptMuP(MuOptions.defaults(), CORPUS.vocabulary(), 16, 2, WIDTH, 16));
    }

    private static void assertSameGradients(Function<NDManager, MuModel> factory) throws InterruptedException {
        Map<String, float[]> quiet = gradients(factory, false);
        Map<String, float[]> disturbed = gradients(factory, true);
        assertEquals(quiet.keySet(), disturbed.keySet());
        for (Map.Entry<String, float[]> e : quiet.entrySet()) {
            for (float g : e.getValue()) {
                assertTrue(Float.isFinite(g), e.getKey() + " has a non-finite gradient");
            }
            assertArrayEquals(e.getValue(), disturbed.get(e.getKey()),
                    e.getKey() + ": gradient changed by a garbage collection between forward and backward");
        }
    }

    private static Map<String, float[]> gradients(Function<NDManager, MuModel> factory, boolean collect)
            throws InterruptedException {
        Map<String, float[]> out = new LinkedHashMap<>();
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(7);
            MuModel model = factory.apply(manager);
            model.initialize(manager, DataType.FLOAT32, new Shape(4, 16));
            NDList[] batch = CORPUS.trainBatch(manager, 4, 16, 3, 0);
            ParameterStore store = new ParameterStore(manager, false);
            List<ByteBuffer> poison = new ArrayList<>();
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDList logits = model.forward(store, batch[0], true);
                NDArray loss = new SequenceLoss().evaluate(batch[1], logits);
                if (collect) {
                    collectAndPoison(poison);
                }
                collector.backward(loss);
            }
            for (Pair<String, Parameter> p : model.getParameters()) {
                out.put(p.getKey(), p.getValue().getArray().getGradient().toFloatArray());
            }
            assertTrue(poison.size() > 0 || !collect);
        }
        return out;
    }

    /**
     * Runs the collector until a fresh weakly held object is gone, lets the cleaner thread free
     * direct buffers, then allocates small direct buffers filled with NaN, which take over freed
     * native memory.
     */
    private static void collectAndPoison(List<ByteBuffer> poison) throws InterruptedException {
        java.lang.ref.WeakReference<Object> sentinel = new java.lang.ref.WeakReference<>(new Object());
        for (int i = 0; i < 10 && sentinel.get() != null; i++) {
            System.gc();
            Thread.sleep(10);
        }
        Thread.sleep(100);
        for (int i = 0; i < 256; i++) {
            ByteBuffer b = ByteBuffer.allocateDirect(16);
            for (int j = 0; j < 4; j++) {
                b.putFloat(j * 4, Float.NaN);
            }
            poison.add(b);
        }
    }
}
