package dev.mup.examples.gpt;

import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.mup.runtime.MuModel;
import dev.mup.runtime.MuOptions;
import dev.mup.runtime.UpdateRule;
import dev.mup.runtime.coord.CoordinateCheck;
import dev.mup.runtime.coord.CoordinateCheckResult;
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

    /**
     * Configures the depth coordinate check: the example {@link Gpt} at a fixed width and several
     * depths (numbers of blocks, base {@link Gpt#BASE_DEPTH}), trained with μP Adam on the same
     * batches. The check's axis, called width in {@link CoordinateCheck} and its records, is here
     * the depth. With depth scaling ({@code MuOptions.depthExponent} 1 or ½) the residual stream
     * ({@link #residualStream}) and the blocks' outputs ({@code blocks.i.mlpResidual}) stay flat
     * in depth; without it (0) they grow.
     *
     * @param corpus the text
     * @param options the options, with the depth exponent under test
     * @param lr the global learning rate
     * @param width {@code dModel}, a multiple of {@link #HEAD_SIZE}
     * @param depths the depths, at least two
     * @param steps steps T
     * @param seeds seeds averaged over
     * @return the configured builder
     */
    public static CoordinateCheck.Builder depthBuilder(
            CharCorpus corpus, MuOptions options, float lr, int width, List<Integer> depths, int steps, int seeds) {
        if (width % HEAD_SIZE != 0) {
            throw new IllegalArgumentException(
                    "GPT widths must be multiples of the head size " + HEAD_SIZE + ", got " + width);
        }
        return CoordinateCheck.builder()
                .axis(CoordinateCheckResult.DEPTH)
                .widths(depths)
                .steps(steps)
                .seeds(seeds)
                .models((depth, seed, manager) -> {
                    Engine.getInstance().setRandomSeed(1000 + seed);
                    MuModel gpt = new GptMuP(options, corpus.vocabulary(), SEQUENCE, depth, width, HEAD_SIZE);
                    gpt.initialize(manager, DataType.FLOAT32, new Shape(BATCH, SEQUENCE));
                    return gpt;
                })
                .optimizers(m -> m.adam(lr).build())
                .batches((manager, step) -> corpus.trainBatch(manager, BATCH, SEQUENCE, 1234, step))
                .loss(new SequenceLoss());
    }

    /**
     * The mean |coordinate| of the residual stream after the last block (before the final norm)
     * in a depth coordinate check.
     *
     * @param result the records of {@link #depthBuilder}
     * @param depth the depth
     * @param t the step
     * @return the {@code l1} of {@code blocks.<depth−1>.mlpResidual}
     */
    public static double residualStream(CoordinateCheckResult result, int depth, int t) {
        return result.l1("blocks." + (depth - 1) + ".mlpResidual", depth, t);
    }
}
