package dev.mup.examples.bench;

import ai.djl.modality.nlp.DefaultVocabulary;
import ai.djl.modality.nlp.embedding.TrainableWordEmbedding;
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
import java.util.ArrayList;
import java.util.List;

/**
 * The example GPT written as a plain DJL block, without μP: token and position embeddings
 * ({@link TrainableWordEmbedding}), pre-LayerNorm blocks of causal attention and a 4× GELU
 * feed-forward layer, a final LayerNorm and a {@link Linear} readout. It is what a DJL user
 * would write by hand, and the baseline the benchmark times the generated {@code GptMuP}
 * against: the same architecture and parameters (children are named as in {@code Gpt}, so the
 * parameter lists match name for name and weights can be copied across), in the standard
 * parametrization with DJL's default initializers, to be trained with DJL's own Adam.
 *
 * <p>Input: token ids {@code (batch, sequence)}; output: logits
 * {@code (batch, sequence, vocabulary)}.
 */
public final class PlainGpt extends AbstractBlock {

    private final int dModel;
    private final int vocabulary;
    private final int context;
    private final TrainableWordEmbedding tokens;
    private final TrainableWordEmbedding positions;
    private final List<PlainGptBlock> blocks = new ArrayList<>();
    private final LayerNorm finalNorm;
    private final Linear readout;

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
    public PlainGpt(int vocabulary, int context, int layers, int dModel, int headSize) {
        if (vocabulary <= 0 || context <= 0 || layers <= 0 || dModel <= 0 || headSize <= 0) {
            throw new IllegalArgumentException("PlainGpt sizes must be positive, got vocabulary " + vocabulary
                    + ", context " + context + ", layers " + layers + ", dModel " + dModel
                    + ", headSize " + headSize);
        }
        this.dModel = dModel;
        this.vocabulary = vocabulary;
        this.context = context;
        tokens = addChildBlock("tokens", new TrainableWordEmbedding(ids(vocabulary), dModel));
        positions = addChildBlock("positions", new TrainableWordEmbedding(ids(context), dModel));
        for (int i = 0; i < layers; i++) {
            blocks.add(addChildBlock("block" + i, new PlainGptBlock(dModel, 4 * dModel, headSize)));
        }
        finalNorm = addChildBlock("finalNorm", PlainGptBlock.featureNorm());
        readout = addChildBlock("readout", Linear.builder().setUnits(vocabulary).build());
    }

    /**
     * A vocabulary of the ids {@code 0 … size-1}: DJL's trainable embedding is built from one,
     * and sizes its table by it; the model is always fed ids, never the words.
     */
    private static DefaultVocabulary ids(int size) {
        List<String> words = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            words.add(Integer.toString(i));
        }
        return new DefaultVocabulary(words);
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
        NDArray x = tokens.forward(parameterStore, inputs, training).singletonOrThrow()
                .add(positions.forward(parameterStore, new NDList(where), training).singletonOrThrow());
        NDList h = new NDList(x);
        for (PlainGptBlock block : blocks) {
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
                    "PlainGpt expects token ids of shape (batch, sequence ≤ " + context + "), got " + in);
        }
        Shape hidden = new Shape(in.get(0), in.get(1), dModel);
        tokens.initialize(manager, dataType, in);
        positions.initialize(manager, dataType, new Shape(in.get(1)));
        for (PlainGptBlock block : blocks) {
            block.initialize(manager, dataType, hidden);
        }
        finalNorm.initialize(manager, dataType, hidden);
        readout.initialize(manager, dataType, hidden);
    }
}
