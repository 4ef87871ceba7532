package dev.mup.tests.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.loss.Loss;
import dev.mup.runtime.MuOptions;
import dev.mup.runtime.Parametrization;
import dev.mup.runtime.coord.CoordinateCheck;
import dev.mup.runtime.coord.CoordinateCheckResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The coordinate check of a BERT-style encoder classifier (bidirectional attention with a
 * key-padding mask, a fixed number of heads so that the head size grows with width, RMSNorms) on
 * synthetic padded sequences, over an 8× range of widths with Adam: under μP every hidden layer's
 * mean |activation| at t = 4 stays within 1.5× across widths; under SP, with the same learning
 * rate, at least one hidden layer spreads by more than 3×, growing with width.
 */
class EncoderCoordinateCheckTest {

    private static final List<Integer> WIDTHS = List.of(32, 64, 128, 256);
    private static final int VOCABULARY = 16;
    private static final int LENGTH = 12;
    private static final int CLASSES = 4;
    private static final int BATCH = 8;
    private static final int HEADS = 4;
    private static final float LR = 0.01f;

    /** Token ids, padded tails (each sequence keeps 4 to 12 tokens) and a class from the tokens. */
    private static NDList[] batch(NDManager manager, int step) {
        Random random = new Random(1234 + step);
        int[] ids = new int[BATCH * LENGTH];
        float[] keep = new float[BATCH * LENGTH];
        float[] labels = new float[BATCH];
        for (int n = 0; n < BATCH; n++) {
            int kept = 4 + random.nextInt(LENGTH - 3);
            int sum = 0;
            for (int t = 0; t < LENGTH; t++) {
                ids[n * LENGTH + t] = random.nextInt(VOCABULARY);
                if (t < kept) {
                    keep[n * LENGTH + t] = 1;
                    sum += ids[n * LENGTH + t];
                }
            }
            labels[n] = sum % CLASSES;
        }
        NDList inputs = new NDList(manager.create(ids, new Shape(BATCH, LENGTH)),
                manager.create(keep, new Shape(BATCH, LENGTH)));
        return new NDList[] {inputs, new NDList(manager.create(labels))};
    }

    private static CoordinateCheckResult check(Parametrization parametrization) {
        MuOptions options = MuOptions.builder().parametrization(parametrization).build();
        return CoordinateCheck.builder()
                .widths(WIDTHS)
                .steps(4)
                .seeds(1)
                .models((width, seed, manager) -> {
                    Engine.getInstance().setRandomSeed(1000 + seed);
                    EncoderClassifierMuP model =
                            new EncoderClassifierMuP(options, VOCABULARY, LENGTH, CLASSES, 2, width, HEADS);
                    model.initialize(manager, DataType.FLOAT32, new Shape(BATCH, LENGTH), new Shape(BATCH, LENGTH));
                    return model;
                })
                .optimizers(m -> m.adam(LR).build())
                .batches(EncoderCoordinateCheckTest::batch)
                .loss(Loss.softmaxCrossEntropyLoss())
                .build()
                .run((done, total) -> {});
    }

    /** Layers whose output is width-sized: the attention projections, up and down. */
    private static List<String> hiddenLayers(CoordinateCheckResult result) {
        List<String> hidden = new ArrayList<>();
        for (String layer : result.layers()) {
            if (layer.matches("blocks\\.\\d+\\.(attention\\.(query|key|value|output)|up|down)")) {
                hidden.add(layer);
            }
        }
        return hidden;
    }

    @Test
    void underMupHiddenActivationsStayFlat() {
        CoordinateCheckResult result = check(Parametrization.MUP);
        List<String> layers = result.layers();
        for (String expected : List.of("tokens", "positions", "blocks.0.attentionNorm", "blocks.0.attention.logits",
                "blocks.1.attention.logits", "finalNorm", "readout")) {
            assertTrue(layers.contains(expected), expected + " recorded; layers: " + layers);
        }
        List<String> hidden = hiddenLayers(result);
        assertEquals(12, hidden.size(), "4 projections + up + down in each of 2 blocks: " + hidden);
        for (String layer : hidden) {
            assertTrue(result.spread(layer, 4) <= 1.5, "μP " + layer + " at t = 4: spread " + result.spread(layer, 4));
        }
    }

    @Test
    void underSpSomeHiddenActivationGrowsWithWidth() {
        CoordinateCheckResult result = check(Parametrization.SP);
        String worst = result.worstLayer(hiddenLayers(result));
        assertTrue(result.spread(worst, 4) > 3,
                "SP should blow up after Adam steps; worst hidden layer " + worst + " spreads "
                        + result.spread(worst, 4));
        assertTrue(result.growth(worst, 4) > 1, "and it grows (not shrinks) with width");
    }
}
