package dev.mup.tests.processor.fixtures;

import ai.djl.modality.nlp.DefaultVocabulary;
import ai.djl.modality.nlp.embedding.TrainableWordEmbedding;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.mup.annotations.MuHidden;
import dev.mup.annotations.MuInput;
import dev.mup.annotations.MuOutput;
import dev.mup.annotations.Width;
import dev.mup.runtime.MuAttention;
import dev.mup.runtime.MuLayerNorm;
import dev.mup.runtime.MuTiedReadout;
import java.util.List;

/**
 * Processor fixture: a one-block pre-norm transformer language model with the two runtime blocks
 * as role fields: a {@link MuAttention} ({@code @MuHidden}, from {@code dModel} to {@code
 * dModel}) and a {@link MuTiedReadout} ({@code @MuOutput}, default multiplier, no zero init) that
 * reuses the word embedding's table. Around them: the embedding (a subclass of {@code
 * Embedding}, declared final), three layer norms, and a feed-forward pair of {@code Linear}
 * layers through a second width, {@code dFfn}.
 */
public class TransformerBlockModel extends AbstractBlock {

    @Width(base = 64)
    final int dModel;

    @Width(base = 256)
    final int dFfn;

    /** Finite: the vocabulary does not grow with the model. */
    final int vocabularySize;

    @MuInput(width = "dModel")
    final TrainableWordEmbedding embedding;

    @MuInput(width = "dModel")
    MuLayerNorm attentionNorm;

    @MuHidden(fanIn = "dModel", fanOut = "dModel")
    MuAttention attention;

    @MuInput(width = "dModel")
    MuLayerNorm ffnNorm;

    @MuHidden(fanIn = "dModel", fanOut = "dFfn")
    Linear up;

    @MuHidden(fanIn = "dFfn", fanOut = "dModel")
    Linear down;

    @MuInput(width = "dModel")
    MuLayerNorm finalNorm;

    @MuOutput(width = "dModel")
    MuTiedReadout readout;

    /**
     * Builds the model.
     *
     * @param dModel the model width
     * @param dFfn the feed-forward width
     * @param heads the number of attention heads (the head size grows with {@code dModel})
     * @param vocabulary the tokens
     */
    public TransformerBlockModel(int dModel, int dFfn, int heads, List<String> vocabulary) {
        this.dModel = dModel;
        this.dFfn = dFfn;
        this.vocabularySize = vocabulary.size();
        embedding = addChildBlock(
                "embedding", new TrainableWordEmbedding(new DefaultVocabulary(vocabulary), dModel));
        attentionNorm = addChildBlock("attentionNorm", MuLayerNorm.builder().build());
        attention = addChildBlock(
                "attention", MuAttention.builder().setModelDim(dModel).setHeads(heads).build());
        ffnNorm = addChildBlock("ffnNorm", MuLayerNorm.builder().build());
        up = addChildBlock("up", Linear.builder().setUnits(dFfn).build());
        down = addChildBlock("down", Linear.builder().setUnits(dModel).build());
        finalNorm = addChildBlock("finalNorm", MuLayerNorm.builder().build());
        readout = addChildBlock("readout", new MuTiedReadout(embedding));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore,
            NDList inputs,
            boolean training,
            PairList<String, Object> params) {
        NDArray x = embedding.forward(parameterStore, inputs, training).singletonOrThrow();
        NDList normed = attentionNorm.forward(parameterStore, new NDList(x), training);
        x = x.add(attention.forward(parameterStore, normed, training).singletonOrThrow());
        normed = ffnNorm.forward(parameterStore, new NDList(x), training);
        NDArray hidden = Activation.gelu(up.forward(parameterStore, normed, training).singletonOrThrow());
        x = x.add(down.forward(parameterStore, new NDList(hidden), training).singletonOrThrow());
        normed = finalNorm.forward(parameterStore, new NDList(x), training);
        return readout.forward(parameterStore, normed, training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0].addAll(new Shape(vocabularySize))};
    }
}
