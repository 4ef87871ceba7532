package dev.mup.tests.blocks;

import ai.djl.modality.nlp.DefaultVocabulary;
import ai.djl.modality.nlp.embedding.TrainableWordEmbedding;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
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
 * A GPT whose blocks sit in a list without annotation: the processor generates {@code
 * TinyGptMuP}, which declares each block through {@code TinyGptBlockMuP}.
 */
class TinyGpt extends AbstractBlock {

    static final List<String> TOKENS = List.of("a", "b", "c", "d", "e", "f", "g", "h");

    @Width(base = 32)
    final int dModel;

    @Width(base = 64)
    final int dFfn;

    @MuInput(width = "dModel")
    final TrainableWordEmbedding embedding;

    final List<TinyGptBlock> blocks = new ArrayList<>();

    @MuInput(width = "dModel")
    final MuLayerNorm finalNorm;

    @MuOutput(width = "dModel")
    MuTiedReadout readout;

    TinyGpt(int dModel, int dFfn, int heads, int depth) {
        this(dModel, dFfn, heads, depth, -1);
    }

    /** As the other constructor, but leaves block {@code missing} null in the list. */
    TinyGpt(int dModel, int dFfn, int heads, int depth, int missing) {
        this.dModel = dModel;
        this.dFfn = dFfn;
        embedding = addChildBlock(
                "embedding", new TrainableWordEmbedding(new DefaultVocabulary(TOKENS), dModel));
        for (int i = 0; i < depth; i++) {
            blocks.add(i == missing ? null : addChildBlock("block" + i, new TinyGptBlock(dModel, dFfn, heads)));
        }
        finalNorm = addChildBlock("finalNorm", MuLayerNorm.builder().build());
        readout = addChildBlock("readout", new MuTiedReadout(embedding));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList x = embedding.forward(ps, inputs, training);
        for (TinyGptBlock block : blocks) {
            x = block.forward(ps, x, training);
        }
        return readout.forward(ps, finalNorm.forward(ps, x, training), training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return readout.getOutputShapes(embedding.getOutputShapes(inputShapes));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        embedding.initialize(manager, dataType, inputShapes);
        Shape hidden = embedding.getOutputShapes(inputShapes)[0];
        for (TinyGptBlock block : blocks) {
            block.initialize(manager, dataType, hidden);
        }
        finalNorm.initialize(manager, dataType, hidden);
    }
}
