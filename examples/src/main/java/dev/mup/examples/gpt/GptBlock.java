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
 *
 * <p>A {@link GptVariant} changes the norms (LayerNorm or RMSNorm, whose gain may be a vector,
 * none or a scalar), the feed-forward layer (GELU, or SwiGLU {@code down(silu(gate) ⊙ value)}
 * with {@code up} producing value and gate, {@code dModel → 2·dFfn}) and whether projections
 * have biases; the annotations stay the same, since every choice keeps each layer's widths.
 */
@MuBlock
public class GptBlock extends AbstractBlock {

    // a MuLayerNorm or a MuRmsNorm (GptVariant): both normalize the last axis, so DJL's
    // LayerNorm is only the common type here
    @SuppressWarnings("mup")
    @MuInput(width = "dModel")
    LayerNorm attentionNorm;

    @MuHidden(fanIn = "dModel", fanOut = "dModel")
    MuAttention attention;

    // a MuLayerNorm or a MuRmsNorm (GptVariant): both normalize the last axis, so DJL's
    // LayerNorm is only the common type here
    @SuppressWarnings("mup")
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
    private final GptVariant variant;

    /**
     * Creates a block of the default variant (LayerNorm, GELU, biases).
     *
     * @param dModel the model dimension (the residual stream)
     * @param dFfn the hidden size of the feed-forward layer
     * @param headSize the size of each attention head; {@code dModel / headSize} heads
     */
    public GptBlock(int dModel, int dFfn, int headSize) {
        this(dModel, dFfn, headSize, GptVariant.defaults());
    }

    /**
     * Creates a block.
     *
     * @param dModel the model dimension (the residual stream)
     * @param dFfn the hidden size of the feed-forward layer
     * @param headSize the size of each attention head; {@code dModel / headSize} heads
     * @param variant the norms, feed-forward layer and biases
     */
    public GptBlock(int dModel, int dFfn, int headSize, GptVariant variant) {
        this.dModel = dModel;
        this.dFfn = dFfn;
        this.variant = variant;
        boolean bias = variant.bias();
        boolean gated = variant.feedForward() == GptVariant.FeedForward.SWIGLU;
        attentionNorm = addChildBlock("attentionNorm", variant.newNorm());
        MuAttention.Builder heads = variant.heads() == GptVariant.Heads.FIXED_SIZE
                ? MuAttention.builder().setHeadSize(headSize)
                : MuAttention.builder().setHeads(fixedHeadCount(headSize));
        attention = addChildBlock("attention", heads.setModelDim(dModel).optBias(bias).build());
        ffnNorm = addChildBlock("ffnNorm", variant.newNorm());
        up = addChildBlock("up", Linear.builder().setUnits(gated ? 2L * dFfn : dFfn).optBias(bias).build());
        down = addChildBlock("down", Linear.builder().setUnits(dModel).optBias(bias).build());
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
        NDList out = down.forward(parameterStore, new NDList(activate(hidden.singletonOrThrow())), training);
        return new NDList(mlpResidual.add(x, out.singletonOrThrow()));
    }

    /** The number of heads at the GPT's declared base width, for {@link GptVariant.Heads#FIXED_COUNT}. */
    private static int fixedHeadCount(int headSize) {
        if (Gpt.BASE_WIDTH % headSize != 0) {
            throw new IllegalArgumentException(
                    "with a fixed number of heads, the head size " + headSize + " must divide the base dModel "
                            + Gpt.BASE_WIDTH + " (heads = " + Gpt.BASE_WIDTH + " / headSize)");
        }
        return Gpt.BASE_WIDTH / headSize;
    }

    /** GELU, or SwiGLU over the two halves of {@code up}'s output. */
    private NDArray activate(NDArray hidden) {
        if (variant.feedForward() == GptVariant.FeedForward.GELU) {
            return Activation.gelu(hidden);
        }
        return swiGlu(hidden);
    }

    /**
     * SwiGLU's gating: {@code silu(gate) ⊙ value = gate · sigmoid(gate) · value}, where value and
     * gate are the first and second halves of the last axis.
     *
     * @param valueAndGate {@code (..., 2·n)}
     * @return {@code (..., n)}
     * @throws IllegalArgumentException if the last axis is not even
     */
    public static NDArray swiGlu(NDArray valueAndGate) {
        Shape shape = valueAndGate.getShape();
        int axis = shape.dimension() - 1;
        if (shape.get(axis) % 2 != 0) {
            throw new IllegalArgumentException(
                    "SwiGLU needs value and gate halves on the last axis, got shape " + shape);
        }
        NDList halves = valueAndGate.split(2, axis);
        NDArray value = halves.get(0);
        NDArray gate = halves.get(1);
        return gate.mul(Activation.sigmoid(gate)).mul(value);
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
