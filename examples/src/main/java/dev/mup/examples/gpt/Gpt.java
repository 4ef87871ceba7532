package dev.mup.examples.gpt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.mup.annotations.MuInput;
import dev.mup.annotations.MuOutput;
import dev.mup.annotations.Width;
import dev.mup.runtime.MuEmbedding;
import dev.mup.runtime.MuLayerNorm;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A character-level GPT: token and position embeddings, a stack of pre-LayerNorm
 * {@link GptBlock}s (causal attention and a GELU feed-forward layer), a final LayerNorm and a
 * readout to the vocabulary. Input: token ids {@code (batch, sequence)}; output: logits
 * {@code (batch, sequence, vocabulary)}.
 *
 * <p>Two widths scale: the model dimension {@code dModel} (base 64) and the feed-forward size
 * {@code dFfn} (base 256, four times {@code dModel} as usual); the head size stays fixed, so the
 * number of heads grows with width. Build it through the generated {@code GptMuP}, in μP or, for
 * comparison, in the standard parametrization.
 */
public class Gpt extends AbstractBlock {

    /** Base of {@code dModel}: at this width μP and the standard parametrization agree. */
    public static final int BASE_WIDTH = 64;

    @Width(base = BASE_WIDTH)
    final int dModel;

    @Width(base = 4 * BASE_WIDTH)
    final int dFfn;

    final int vocabulary;

    final int context;

    @MuInput(width = "dModel")
    MuEmbedding tokens;

    @MuInput(width = "dModel")
    MuEmbedding positions;

    final List<GptBlock> blocks;

    @MuInput(width = "dModel")
    LayerNorm finalNorm;

    @MuOutput(width = "dModel")
    Linear readout;

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
    public Gpt(int vocabulary, int context, int layers, int dModel, int headSize) {
        requirePositive("vocabulary", vocabulary);
        requirePositive("context", context);
        requirePositive("layers", layers);
        requirePositive("dModel", dModel);
        requirePositive("headSize", headSize);
        if (dModel % headSize != 0) {
            throw new IllegalArgumentException(
                    "Gpt dModel (" + dModel + ") must be a multiple of the head size (" + headSize + ")");
        }
        this.dModel = dModel;
        this.dFfn = 4 * dModel;
        this.vocabulary = vocabulary;
        this.context = context;
        tokens = addChildBlock("tokens", new MuEmbedding(vocabulary, dModel));
        positions = addChildBlock("positions", new MuEmbedding(context, dModel));
        List<GptBlock> stack = new ArrayList<>(layers);
        for (int i = 0; i < layers; i++) {
            stack.add(addChildBlock("block" + i, new GptBlock(dModel, dFfn, headSize)));
        }
        blocks = Collections.unmodifiableList(stack);
        finalNorm = addChildBlock("finalNorm", MuLayerNorm.builder().build());
        readout = addChildBlock("readout", Linear.builder().setUnits(vocabulary).build());
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
        NDArray ids = inputs.singletonOrThrow();
        long length = ids.getShape().get(1);
        NDArray where = ids.getManager().arange(0, (int) length, 1, DataType.INT32, ids.getDevice());
        NDArray x = tokens.forward(parameterStore, new NDList(ids), training).singletonOrThrow()
                .add(positions.forward(parameterStore, new NDList(where), training).singletonOrThrow());
        NDList h = new NDList(x);
        for (GptBlock block : blocks) {
            h = block.forward(parameterStore, h, training);
        }
        return readout.forward(parameterStore, finalNorm.forward(parameterStore, h, training), training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        return new Shape[] {new Shape(in.get(0), in.get(1), vocabulary)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape in = inputShapes[0];
        if (in.dimension() != 2 || in.get(1) > context) {
            throw new IllegalArgumentException(
                    "Gpt expects token ids of shape (batch, sequence ≤ " + context + "), got " + in);
        }
        Shape hidden = new Shape(in.get(0), in.get(1), dModel);
        tokens.initialize(manager, dataType, in);
        positions.initialize(manager, dataType, new Shape(in.get(1)));
        for (GptBlock block : blocks) {
            block.initialize(manager, dataType, hidden);
        }
        finalNorm.initialize(manager, dataType, hidden);
        readout.initialize(manager, dataType, hidden);
    }

    private static void requirePositive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException("Gpt " + name + " must be positive, got " + value);
        }
    }
}
