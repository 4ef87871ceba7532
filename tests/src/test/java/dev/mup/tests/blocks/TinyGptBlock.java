package dev.mup.tests.blocks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.mup.annotations.MuBlock;
import dev.mup.annotations.MuHidden;
import dev.mup.annotations.MuInput;
import dev.mup.runtime.MuAttention;
import dev.mup.runtime.MuLayerNorm;

/**
 * A pre-norm transformer block, annotated once as a {@code @MuBlock}; the processor generates
 * {@code TinyGptBlockMuP} for it when the tests compile.
 */
@MuBlock
class TinyGptBlock extends AbstractBlock {

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

    TinyGptBlock(int dModel, int dFfn, int heads) {
        attentionNorm = addChildBlock("attentionNorm", MuLayerNorm.builder().build());
        attention = addChildBlock(
                "attention", MuAttention.builder().setModelDim(dModel).setHeads(heads).build());
        ffnNorm = addChildBlock("ffnNorm", MuLayerNorm.builder().build());
        up = addChildBlock("up", Linear.builder().setUnits(dFfn).build());
        down = addChildBlock("down", Linear.builder().setUnits(dModel).build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDList normed = attentionNorm.forward(ps, new NDList(x), training);
        x = x.add(attention.forward(ps, normed, training).singletonOrThrow());
        normed = ffnNorm.forward(ps, new NDList(x), training);
        NDArray hidden = Activation.gelu(up.forward(ps, normed, training).singletonOrThrow());
        return new NDList(x.add(down.forward(ps, new NDList(hidden), training).singletonOrThrow()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape x = inputShapes[0];
        attentionNorm.initialize(manager, dataType, x);
        attention.initialize(manager, dataType, x);
        ffnNorm.initialize(manager, dataType, x);
        up.initialize(manager, dataType, x);
        down.initialize(manager, dataType, up.getOutputShapes(new Shape[] {x}));
    }
}
