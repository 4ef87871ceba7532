package dev.mup.tests.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import dev.mup.examples.bench.GptFlops;
import dev.mup.examples.bench.PlainGpt;
import dev.mup.examples.gpt.CharCorpus;
import dev.mup.examples.gpt.GptMuP;
import dev.mup.examples.gpt.SequenceLoss;
import dev.mup.runtime.MuOptions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The benchmark's plain DJL GPT is the same architecture as the generated μP GPT: at base width,
 * where μP and the standard parametrization coincide, the two compute the same logits and the
 * same gradients from the same weights. Also the analytic FLOP count of a training step.
 */
class PlainGptTest {

    private static final CharCorpus CORPUS = CharCorpus.builtIn();
    private static final int BATCH = 3;
    private static final int SEQUENCE = 12;
    private static final int LAYERS = 2;
    private static final int HEAD_SIZE = 16;

    private static <B extends Block> B init(B block, NDManager manager) {
        block.initialize(manager, DataType.FLOAT32, new Shape(BATCH, SEQUENCE));
        return block;
    }

    /** Forward and backward; returns the logits followed by every parameter's gradient. */
    private static List<NDArray> logitsAndGradients(Block block, NDList[] batch, NDManager manager) {
        List<NDArray> out = new ArrayList<>();
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray logits = block.forward(new ParameterStore(manager, false), batch[0], true).singletonOrThrow();
            collector.backward(new SequenceLoss().evaluate(batch[1], new NDList(logits)));
            out.add(logits);
        }
        for (Pair<String, Parameter> p : block.getParameters()) {
            out.add(p.getValue().getArray().getGradient());
        }
        return out;
    }

    @Test
    void atBaseWidthThePlainGptComputesWhatTheMupGptComputes() {
        try (NDManager manager = NDManager.newBaseManager()) {
            int width = 64;
            GptMuP mup = init(new GptMuP(MuOptions.defaults(), CORPUS.vocabulary(), SEQUENCE, LAYERS, width,
                    HEAD_SIZE), manager);
            PlainGpt plain = init(new PlainGpt(CORPUS.vocabulary(), SEQUENCE, LAYERS, width, HEAD_SIZE), manager);

            PairList<String, Parameter> from = mup.getParameters();
            PairList<String, Parameter> to = plain.getParameters();
            assertEquals(from.keys(), to.keys(), "the same parameters, in the same order, by name");
            for (int i = 0; i < from.size(); i++) {
                NDArray source = from.get(i).getValue().getArray();
                NDArray target = to.get(i).getValue().getArray();
                assertEquals(source.getShape(), target.getShape(), from.get(i).getKey());
                source.copyTo(target);
            }

            NDList[] batch = CORPUS.trainBatch(manager, BATCH, SEQUENCE, 7, 0);
            List<NDArray> expected = logitsAndGradients(mup, batch, manager);
            List<NDArray> actual = logitsAndGradients(plain, batch, manager);
            assertEquals(expected.size(), actual.size());
            for (int i = 0; i < expected.size(); i++) {
                String what = i == 0 ? "logits" : "gradient of " + from.get(i - 1).getKey();
                float scale = Math.max(1e-3f, expected.get(i).abs().max().getFloat());
                float diff = expected.get(i).sub(actual.get(i)).abs().max().getFloat();
                assertTrue(diff <= 1e-5f * scale, what + " differs by " + diff + " (scale " + scale + ")");
            }
        }
    }

    @Test
    void parameterCountsAgreeAtEveryWidth() {
        try (NDManager manager = NDManager.newBaseManager()) {
            for (int width : new int[] {32, 128}) {
                GptMuP mup = init(new GptMuP(MuOptions.defaults(), CORPUS.vocabulary(), SEQUENCE, LAYERS, width,
                        HEAD_SIZE), manager);
                PlainGpt plain = init(new PlainGpt(CORPUS.vocabulary(), SEQUENCE, LAYERS, width, HEAD_SIZE), manager);
                assertEquals(count(mup), count(plain), "width " + width);
            }
        }
    }

    private static long count(Block block) {
        return block.getParameters().values().stream().mapToLong(p -> p.getArray().size()).sum();
    }

    @Test
    void flopsOfATrainingStepAreThreeTimesTheForwardMatmuls() {
        int layers = 2;
        int d = 64;
        int t = 16;
        int b = 4;
        int v = 58;
        long rows = (long) b * t;
        // every product of one forward pass as (m, k, n): 2·m·k·n FLOPs each
        List<long[]> products = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            for (int p = 0; p < 4; p++) {
                products.add(new long[] {rows, d, d}); // query, key, value, output
            }
            for (int head = 0; head < d / HEAD_SIZE; head++) {
                for (int s = 0; s < b; s++) {
                    products.add(new long[] {t, HEAD_SIZE, t}); // q·kᵀ
                    products.add(new long[] {t, t, HEAD_SIZE}); // weights·v
                }
            }
            products.add(new long[] {rows, d, 4L * d}); // up
            products.add(new long[] {rows, 4L * d, d}); // down
        }
        products.add(new long[] {rows, d, v}); // readout
        long forward = products.stream().mapToLong(p -> 2 * p[0] * p[1] * p[2]).sum();
        assertEquals(3 * forward, GptFlops.trainingStep(layers, d, t, b, v));
    }
}
