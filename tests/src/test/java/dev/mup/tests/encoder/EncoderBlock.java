package dev.mup.tests.encoder;

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
import dev.mup.runtime.MuRmsNorm;

/**
 * A pre-norm encoder block (BERT-style, bidirectional): {@code x + attention(norm(x), mask)},
 * then {@code x + down(gelu(up(norm(x))))}, with RMSNorms. Inputs: {@code x (batch, sequence,
 * dModel)} and the key-padding mask {@code (batch, sequence)}; output: the new {@code x}.
 */
@MuBlock
class EncoderBlock extends AbstractBlock {

    @MuInput(width = "dModel")
    MuRmsNorm attentionNorm;

    @MuHidden(fanIn = "dModel", fanOut = "dModel")
    MuAttention attention;

    @MuInput(width = "dModel")
    MuRmsNorm ffnNorm;

    @MuHidden(fanIn = "dModel", fanOut = "dFfn")
    Linear up;

    @MuHidden(fanIn = "dFfn", fanOut = "dModel")
    Linear down;

    private final int dFfn;

    EncoderBlock(int dModel, int dFfn, int heads) {
        this.dFfn = dFfn;
        attentionNorm = addChildBlock("attentionNorm", MuRmsNorm.builder().build());
        attention = addChildBlock("attention",
                MuAttention.builder().setModelDim(dModel).setHeads(heads).optCausal(false).build());
        ffnNorm = addChildBlock("ffnNorm", MuRmsNorm.builder().build());
        up = addChildBlock("up", Linear.builder().setUnits(dFfn).build());
        down = addChildBlock("down", Linear.builder().setUnits(dModel).build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.get(0);
        NDArray mask = inputs.get(1);
        NDArray normed = attentionNorm.forward(ps, new NDList(x), training).singletonOrThrow();
        x = x.add(attention.forward(ps, new NDList(normed, mask), training).singletonOrThrow());
        NDList hidden = up.forward(ps, ffnNorm.forward(ps, new NDList(x), training), training);
        x = x.add(down.forward(ps, new NDList(Activation.gelu(hidden.singletonOrThrow())), training)
                .singletonOrThrow());
        return new NDList(x, mask);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape in = inputShapes[0];
        attentionNorm.initialize(manager, dataType, in);
        attention.initialize(manager, dataType, in);
        ffnNorm.initialize(manager, dataType, in);
        up.initialize(manager, dataType, in);
        down.initialize(manager, dataType, new Shape(in.get(0), in.get(1), dFfn));
    }
}
