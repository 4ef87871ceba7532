package dev.mup.tests.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.mup.annotations.MuInput;
import dev.mup.annotations.MuOutput;
import dev.mup.annotations.Width;
import dev.mup.runtime.MuEmbedding;
import dev.mup.runtime.MuRmsNorm;
import java.util.ArrayList;
import java.util.List;

/**
 * A BERT-style sequence classifier: token and position embeddings, bidirectional
 * {@link EncoderBlock}s with a key-padding mask, a final RMSNorm, the mean over the kept tokens,
 * and a readout to the classes. Inputs: token ids and the mask {@code (batch, sequence)} (1 keep,
 * 0 pad); output: class logits {@code (batch, classes)}. The processor generates
 * {@code EncoderClassifierMuP} when the tests compile.
 */
class EncoderClassifier extends AbstractBlock {

    @Width(base = 32)
    final int dModel;

    @Width(base = 64)
    final int dFfn;

    @MuInput(width = "dModel")
    MuEmbedding tokens;

    @MuInput(width = "dModel")
    MuEmbedding positions;

    final List<EncoderBlock> blocks = new ArrayList<>();

    @MuInput(width = "dModel")
    MuRmsNorm finalNorm;

    @MuOutput(width = "dModel")
    Linear readout;

    private final int classes;

    EncoderClassifier(int vocabulary, int length, int classes, int layers, int dModel, int heads) {
        this.dModel = dModel;
        this.dFfn = 2 * dModel;
        this.classes = classes;
        tokens = addChildBlock("tokens", new MuEmbedding(vocabulary, dModel));
        positions = addChildBlock("positions", new MuEmbedding(length, dModel));
        for (int i = 0; i < layers; i++) {
            blocks.add(addChildBlock("block" + i, new EncoderBlock(dModel, dFfn, heads)));
        }
        finalNorm = addChildBlock("finalNorm", MuRmsNorm.builder().build());
        readout = addChildBlock("readout", Linear.builder().setUnits(classes).build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray ids = inputs.get(0);
        NDArray mask = inputs.get(1).toType(DataType.FLOAT32, false);
        long length = ids.getShape().get(1);
        NDArray where = ids.getManager().arange(0, (int) length, 1, DataType.INT32, ids.getDevice());
        NDArray x = tokens.forward(ps, new NDList(ids), training).singletonOrThrow()
                .add(positions.forward(ps, new NDList(where), training).singletonOrThrow());
        NDList h = new NDList(x, mask);
        for (EncoderBlock block : blocks) {
            h = block.forward(ps, h, training);
        }
        NDArray normed = finalNorm.forward(ps, new NDList(h.get(0)), training).singletonOrThrow();
        NDArray keep = mask.expandDims(-1);
        NDArray pooled = normed.mul(keep).sum(new int[] {1}).div(keep.sum(new int[] {1}));
        return readout.forward(ps, new NDList(pooled), training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), classes)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape ids = inputShapes[0];
        Shape hidden = new Shape(ids.get(0), ids.get(1), dModel);
        tokens.initialize(manager, dataType, ids);
        positions.initialize(manager, dataType, new Shape(ids.get(1)));
        for (EncoderBlock block : blocks) {
            block.initialize(manager, dataType, hidden, ids);
        }
        finalNorm.initialize(manager, dataType, hidden);
        readout.initialize(manager, dataType, new Shape(ids.get(0), dModel));
    }
}
