package dev.mup.tests.processor.fixtures;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
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
 * Processor fixture: a pre-norm transformer block as a {@code @MuBlock}, annotated once for every
 * copy in {@link Gpt}. Its roles name the widths of the model holding it ({@code dModel}, {@code
 * dFfn}); it has no width and no readout of its own.
 */
@MuBlock
public class GptBlock extends AbstractBlock {

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

    /**
     * Builds the block.
     *
     * @param dModel the model width
     * @param dFfn the feed-forward width
     * @param heads the number of attention heads
     */
    public GptBlock(int dModel, int dFfn, int heads) {
        attentionNorm = addChildBlock("attentionNorm", MuLayerNorm.builder().build());
        attention = addChildBlock(
                "attention", MuAttention.builder().setModelDim(dModel).setHeads(heads).build());
        ffnNorm = addChildBlock("ffnNorm", MuLayerNorm.builder().build());
        up = addChildBlock("up", Linear.builder().setUnits(dFfn).build());
        down = addChildBlock("down", Linear.builder().setUnits(dModel).build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore,
            NDList inputs,
            boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDList normed = attentionNorm.forward(parameterStore, new NDList(x), training);
        x = x.add(attention.forward(parameterStore, normed, training).singletonOrThrow());
        normed = ffnNorm.forward(parameterStore, new NDList(x), training);
        NDArray hidden = Activation.gelu(up.forward(parameterStore, normed, training).singletonOrThrow());
        return new NDList(x.add(down.forward(parameterStore, new NDList(hidden), training).singletonOrThrow()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }
}
