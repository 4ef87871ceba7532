package dev.mup.examples.gpt;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.mup.annotations.Depth;
import dev.mup.annotations.MuInput;
import dev.mup.annotations.MuOutput;
import dev.mup.annotations.Width;
import dev.mup.runtime.MuEmbedding;
import dev.mup.runtime.MuTiedReadout;
import java.util.List;
import java.util.Objects;

/**
 * {@link Gpt} with its readout tied to the token embedding, as GPT-2 does: the logits are the
 * final hidden state times the transposed token table, so the model has no readout weight of its
 * own and the table gets gradients from both ends.
 *
 * <p>In μP the shared table stays input-like (initialized and updated as an embedding) and the
 * readout's {@code 1/width} scaling moves onto the logits, as a multiplier that the generated
 * {@code TiedGptMuP} sets on the {@link MuTiedReadout}. At the base width ({@code dModel} 64)
 * that multiplier is 1 and the model is the standard tied GPT.
 */
public class TiedGpt extends AbstractBlock {

    @Width(base = Gpt.BASE_WIDTH)
    final int dModel;

    @Width(base = 4 * Gpt.BASE_WIDTH)
    final int dFfn;

    final int vocabulary;

    final int context;

    @MuInput(width = "dModel")
    MuEmbedding tokens;

    @MuInput(width = "dModel")
    MuEmbedding positions;

    @Depth(base = Gpt.BASE_DEPTH)
    final List<GptBlock> blocks;

    // a MuLayerNorm or a MuRmsNorm (GptVariant): both normalize the last axis, so DJL's
    // LayerNorm is only the common type here
    @SuppressWarnings("mup")
    @MuInput(width = "dModel")
    LayerNorm finalNorm;

    @MuOutput(width = "dModel")
    MuTiedReadout readout;

    /**
     * Creates the model with a feed-forward size of {@code 4 · dModel}.
     *
     * @param vocabulary the number of distinct tokens
     * @param context the longest sequence (positions embedded)
     * @param layers the number of blocks
     * @param dModel the model dimension, a multiple of {@code headSize}
     * @param headSize the size of each attention head
     * @throws IllegalArgumentException if a size is not positive or {@code dModel} is not a
     *     multiple of {@code headSize}
     */
    public TiedGpt(int vocabulary, int context, int layers, int dModel, int headSize) {
        this(vocabulary, context, layers, dModel, headSize, GptVariant.defaults());
    }

    /**
     * Creates the model of a variant (norms, feed-forward layer, biases; see
     * {@link GptVariant}) with a feed-forward size of {@code 4 · dModel}.
     *
     * @param vocabulary the number of distinct tokens
     * @param context the longest sequence (positions embedded)
     * @param layers the number of blocks
     * @param dModel the model dimension, a multiple of {@code headSize}
     * @param headSize the size of each attention head
     * @param variant the architectural variant; {@link GptVariant#defaults()} for the usual GPT
     * @throws IllegalArgumentException if a size is not positive or {@code dModel} is not a
     *     multiple of {@code headSize}
     */
    public TiedGpt(int vocabulary, int context, int layers, int dModel, int headSize, GptVariant variant) {
        Objects.requireNonNull(variant, "variant");
        GptTrunk.checkSizes("TiedGpt", vocabulary, context, layers, dModel, headSize);
        this.dModel = dModel;
        this.dFfn = 4 * dModel;
        this.vocabulary = vocabulary;
        this.context = context;
        tokens = addChildBlock("tokens", new MuEmbedding(vocabulary, dModel));
        positions = addChildBlock("positions", new MuEmbedding(context, dModel));
        blocks = GptTrunk.blocks(layers, i -> addChildBlock("block" + i, new GptBlock(dModel, dFfn, headSize, variant)));
        finalNorm = addChildBlock("finalNorm", variant.newNorm());
        readout = addChildBlock("readout", new MuTiedReadout(tokens));
    }

    /**
     * The model dimension.
     *
     * @return {@code dModel}
     */
    public int dModel() {
        return dModel;
    }

    /**
     * The number of distinct tokens.
     *
     * @return the vocabulary size
     */
    public int vocabulary() {
        return vocabulary;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore,
            NDList inputs,
            boolean training,
            PairList<String, Object> params) {
        NDList hidden = GptTrunk.hidden(
                parameterStore, inputs.singletonOrThrow(), tokens, positions, blocks, finalNorm, training);
        return readout.forward(parameterStore, hidden, training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        return new Shape[] {new Shape(in.get(0), in.get(1), vocabulary)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        GptTrunk.initialize("TiedGpt", context, dModel, manager, dataType, inputShapes[0],
                tokens, positions, blocks, finalNorm, readout);
    }
}
