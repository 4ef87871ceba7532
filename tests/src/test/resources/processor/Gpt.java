package dev.mup.tests.processor.fixtures;

import ai.djl.modality.nlp.DefaultVocabulary;
import ai.djl.modality.nlp.embedding.TrainableWordEmbedding;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.mup.annotations.MuInput;
import dev.mup.annotations.MuOutput;
import dev.mup.annotations.Width;
import dev.mup.runtime.MuLayerNorm;
import dev.mup.runtime.MuTiedReadout;
import java.util.ArrayList;
import java.util.List;

/**
 * Processor fixture: a GPT with {@code depth} {@link GptBlock}s in a list, which needs no
 * annotation: the generated {@code GptMuP} declares every block through {@code GptBlockMuP}, in
 * its place among the fields (after the embedding, before the final norm and the tied readout).
 */
public class Gpt extends AbstractBlock {

    @Width(base = 64)
    final int dModel;

    @Width(base = 256)
    final int dFfn;

    /** Finite: the vocabulary does not grow with the model. */
    final int vocabularySize;

    @MuInput(width = "dModel")
    final TrainableWordEmbedding embedding;

    final List<GptBlock> blocks = new ArrayList<>();

    @MuInput(width = "dModel")
    MuLayerNorm finalNorm;

    @MuOutput(width = "dModel")
    MuTiedReadout readout;

    /**
     * Builds the model.
     *
     * @param dModel the model width
     * @param dFfn the feed-forward width
     * @param heads the number of attention heads per block
     * @param depth the number of blocks
     * @param vocabulary the tokens
     */
    public Gpt(int dModel, int dFfn, int heads, int depth, List<String> vocabulary) {
        this.dModel = dModel;
        this.dFfn = dFfn;
        this.vocabularySize = vocabulary.size();
        embedding = addChildBlock(
                "embedding", new TrainableWordEmbedding(new DefaultVocabulary(vocabulary), dModel));
        for (int i = 0; i < depth; i++) {
            blocks.add(addChildBlock("block" + i, new GptBlock(dModel, dFfn, heads)));
        }
        finalNorm = addChildBlock("finalNorm", MuLayerNorm.builder().build());
        readout = addChildBlock("readout", new MuTiedReadout(embedding));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore,
            NDList inputs,
            boolean training,
            PairList<String, Object> params) {
        NDList x = embedding.forward(parameterStore, inputs, training);
        for (GptBlock block : blocks) {
            x = block.forward(parameterStore, x, training);
        }
        return readout.forward(parameterStore, finalNorm.forward(parameterStore, x, training), training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0].addAll(new Shape(vocabularySize))};
    }
}
