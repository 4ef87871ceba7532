package dev.mup.examples.gpt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.mup.annotations.MuBlock;
import dev.mup.annotations.MuHidden;
import dev.mup.annotations.MuInput;
import dev.mup.runtime.MuAttention;
import dev.mup.runtime.MuLayerNorm;
import dev.mup.runtime.MuResidual;

/**
 * One pre-LayerNorm Transformer block: {@code x + s·attention(norm(x))}, then
 * {@code x + s·down(gelu(up(norm(x))))}, where the branch multiplier {@code s} of the
 * {@link MuResidual}s is set by the μP runtime ({@code m_L^(−α)} under depth scaling, 1 by
 * default). Annotated once as a {@link MuBlock}: the model that holds
 * a list of these gets every block declared to μP by its generated code, under the names
 * {@code blocks.0.up}, {@code blocks.1.attention.query} and so on.
 *
 * <p>The widths named here ({@code dModel}, {@code dFfn}) are the enclosing {@link Gpt}'s.
 */
@MuBlock
public class GptBlock extends AbstractBlock {

    @MuInput(width = "dModel")
    LayerNorm attentionNorm;

    @MuHidden(fanIn = "dModel", fanOut = "dModel")
    MuAttention attention;

    @MuInput(width = "dModel")
    LayerNorm ffnNorm;

    @MuHidden(fanIn = "dModel", fanOut = "dFfn")
    Linear up;

    @MuHidden(fanIn = "dFfn", fanOut = "dModel")
    Linear down;

    /** Adds the attention branch to the residual stream; its multiplier comes from the runtime. */
    final MuResidual attentionResidual = new MuResidual();

    /**
     * Adds the feed-forward branch; its sum is the block's output (one connection per branch, so
     * that a coordinate check records each sum under its own name).
     */
    final MuResidual mlpResidual = new MuResidual();

    private final int dModel;
    private final int dFfn;

    /**
     * Creates a block.
     *
     * @param dModel the model dimension (the residual stream)
     * @param dFfn the hidden size of the feed-forward layer
     * @param headSize the size of each attention head; {@code dModel / headSize} heads
     */
    public GptBlock(int dModel, int dFfn, int headSize) {
        this.dModel = dModel;
        this.dFfn = dFfn;
        attentionNorm = addChildBlock("attentionNorm", MuLayerNorm.builder().build());
        attention = addChildBlock("attention",
                MuAttention.builder().setModelDim(dModel).setHeadSize(headSize).build());
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
        NDList attended = attention.forward(parameterStore,
                attentionNorm.forward(parameterStore, new NDList(x), training), training);
        x = attentionResidual.add(x, attended.singletonOrThrow());
        NDList hidden = up.forward(parameterStore,
                ffnNorm.forward(parameterStore, new NDList(x), training), training);
        NDList out = down.forward(parameterStore,
                new NDList(Activation.gelu(hidden.singletonOrThrow())), training);
        return new NDList(mlpResidual.add(x, out.singletonOrThrow()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape in = inputShapes[0];
        if (in.get(in.dimension() - 1) != dModel) {
            throw new IllegalArgumentException(
                    "GptBlock expects inputs of size " + dModel + ", got shape " + in);
        }
        attentionNorm.initialize(manager, dataType, in);
        attention.initialize(manager, dataType, in);
        ffnNorm.initialize(manager, dataType, in);
        up.initialize(manager, dataType, in);
        down.initialize(manager, dataType, new Shape(in.get(0), in.get(1), dFfn));
    }
}
