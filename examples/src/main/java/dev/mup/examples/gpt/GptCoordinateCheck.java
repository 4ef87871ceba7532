package dev.mup.examples.gpt;

import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.mup.runtime.MuModel;
import dev.mup.runtime.MuOptions;
import dev.mup.runtime.UpdateRule;
import dev.mup.runtime.coord.CoordinateCheck;
import java.util.List;

/**
 * The coordinate check of the example GPT: 2 blocks, head size 16, sequences of 32 characters,
 * batches of 8, the same batches (data seed 1234) for every width and seed.
 */
public final class GptCoordinateCheck {

    /** Blocks. */
    public static final int LAYERS = 2;
    /** Attention head size (fixed: the number of heads grows with width). */
    public static final int HEAD_SIZE = 16;
    /** Characters per sequence. */
    public static final int SEQUENCE = 32;
    /** Sequences per batch. */
    public static final int BATCH = 8;

    private GptCoordinateCheck() {}

    /**
     * Configures the check on the engine's default device, in float32.
     *
     * @param corpus the text
     * @param options μP or SP, and the other options of the model
     * @param rule Adam or SGD
     * @param lr the global learning rate
     * @param widths the widths ({@code dModel}), multiples of {@link #HEAD_SIZE}
     * @param steps steps T
     * @param seeds seeds averaged over
     * @param tiedReadout whether the readout is tied to the token embedding ({@link TiedGpt})
     *     instead of a {@code Linear} of its own ({@link Gpt})
     * @return the check, ready to run
     */
    public static CoordinateCheck create(
            CharCorpus corpus,
            MuOptions options,
            UpdateRule rule,
            float lr,
            List<Integer> widths,
            int steps,
            int seeds,
            boolean tiedReadout) {
        return builder(corpus, options, rule, lr, widths, steps, seeds, tiedReadout).build();
    }

    /**
     * Configures the check, leaving the device and precision to set.
     *
     * @param corpus the text
     * @param options μP or SP, and the other options of the model
     * @param rule Adam or SGD
     * @param lr the global learning rate
     * @param widths the widths ({@code dModel}), multiples of {@link #HEAD_SIZE}
     * @param steps steps T
     * @param seeds seeds averaged over
     * @param tiedReadout whether the readout is tied to the token embedding ({@link TiedGpt})
     *     instead of a {@code Linear} of its own ({@link Gpt})
     * @return the configured builder
     */
    public static CoordinateCheck.Builder builder(
            CharCorpus corpus,
            MuOptions options,
            UpdateRule rule,
            float lr,
            List<Integer> widths,
            int steps,
            int seeds,
            boolean tiedReadout) {
        for (int width : widths) {
            if (width % HEAD_SIZE != 0) {
                throw new IllegalArgumentException(
                        "GPT widths must be multiples of the head size " + HEAD_SIZE + ", got " + width);
            }
        }
        return CoordinateCheck.builder()
                .widths(widths)
                .steps(steps)
                .seeds(seeds)
                .models((width, seed, manager) -> {
                    Engine.getInstance().setRandomSeed(1000 + seed);
                    MuModel gpt = tiedReadout
                            ? new TiedGptMuP(options, corpus.vocabulary(), SEQUENCE, LAYERS, width, HEAD_SIZE)
                            : new GptMuP(options, corpus.vocabulary(), SEQUENCE, LAYERS, width, HEAD_SIZE);
                    gpt.initialize(manager, DataType.FLOAT32, new Shape(BATCH, SEQUENCE));
                    return gpt;
                })
                .optimizers(m -> rule == UpdateRule.SGD ? m.sgd(lr).build() : m.adam(lr).build())
                .batches((manager, step) -> corpus.trainBatch(manager, BATCH, SEQUENCE, 1234, step))
                .loss(new SequenceLoss());
    }
}
