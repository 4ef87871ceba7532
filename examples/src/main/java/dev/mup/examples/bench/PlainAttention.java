package dev.mup.examples.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.mup.runtime.CausalAttention;
import dev.mup.runtime.Scalars;

/**
 * Multi-head causal self-attention written with DJL's own {@link Linear} layers and nothing from
 * μP: {@code softmax(q·kᵀ / sqrt(d_head) + mask) v}, then an output projection. It is the
 * baseline that {@code MuAttention} is timed against, so it does the same operations in the
 * same order (four separate projections with biases, the causal mask as an additive bias of
 * -1e9, built on each call), differing only where μP differs: the logit scale is the standard
 * {@code 1/sqrt(d_head)} and no layer has an observer slot.
 *
 * <p>Input and output are {@code (batch, sequence, modelDim)}.
 */
final class PlainAttention extends AbstractBlock {

    private final int modelDim;
    private final int heads;
    private final int headSize;
    private final float logitScale;
    private final Linear query;
    private final Linear key;
    private final Linear value;
    private final Linear output;

    /**
     * Creates the block.
     *
     * @param modelDim the model dimension, a multiple of {@code headSize}
     * @param headSize the size of each head; {@code modelDim / headSize} heads
     */
    PlainAttention(int modelDim, int headSize) {
        if (headSize <= 0 || modelDim % headSize != 0) {
            throw new IllegalArgumentException(
                    "attention modelDim " + modelDim + " is not a multiple of the head size " + headSize);
        }
        this.modelDim = modelDim;
        this.headSize = headSize;
        this.heads = modelDim / headSize;
        this.logitScale = (float) (1.0 / Math.sqrt(headSize));
        // the names match MuAttention's, so that parameters can be copied from one to the other
        query = addChildBlock("query", Linear.builder().setUnits(modelDim).build());
        key = addChildBlock("key", Linear.builder().setUnits(modelDim).build());
        value = addChildBlock("value", Linear.builder().setUnits(modelDim).build());
        output = addChildBlock("output", Linear.builder().setUnits(modelDim).build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore,
            NDList inputs,
            boolean training,
            PairList<String, Object> params) {
        NDArray q = split(query.forward(parameterStore, inputs, training).singletonOrThrow());
        NDArray k = split(key.forward(parameterStore, inputs, training).singletonOrThrow());
        NDArray v = split(value.forward(parameterStore, inputs, training).singletonOrThrow());
        // Scalars.times, not mul(float): DJL keeps that constant in a Java buffer autograd outlives
        NDArray logits = Scalars.times(q.matMul(k.transpose(0, 1, 3, 2)), logitScale);
        NDArray merged = CausalAttention.attend(logits, v);
        return output.forward(parameterStore, new NDList(merged), training);
    }

    private NDArray split(NDArray projected) {
        return CausalAttention.splitHeads(projected, heads, headSize);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (Linear projection : new Linear[] {query, key, value, output}) {
            projection.initialize(manager, dataType, inputShapes[0]);
        }
    }
}
