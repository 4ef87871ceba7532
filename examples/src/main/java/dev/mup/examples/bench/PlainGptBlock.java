package dev.mup.examples.bench;

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

/**
 * The plain-DJL twin of {@code GptBlock}: {@code x + attention(norm(x))}, then
 * {@code x + down(gelu(up(norm(x))))}, with DJL's {@link LayerNorm}, {@link Linear} and
 * {@link Activation#gelu} (the exact, erf-based GELU on the PyTorch engine). Its children have
 * the names of {@code GptBlock}'s so that weights copy across by name.
 */
final class PlainGptBlock extends AbstractBlock {

    private final int dModel;
    private final int dFfn;
    private final LayerNorm attentionNorm;
    private final PlainAttention attention;
    private final LayerNorm ffnNorm;
    private final Linear up;
    private final Linear down;

    PlainGptBlock(int dModel, int dFfn, int headSize) {
        this.dModel = dModel;
        this.dFfn = dFfn;
        attentionNorm = addChildBlock("attentionNorm", featureNorm());
        attention = addChildBlock("attention", new PlainAttention(dModel, headSize));
        ffnNorm = addChildBlock("ffnNorm", featureNorm());
        up = addChildBlock("up", Linear.builder().setUnits(dFfn).build());
        down = addChildBlock("down", Linear.builder().setUnits(dModel).build());
    }

    /**
     * A LayerNorm over the features of each position. DJL's default normalizes over every axis
     * but the batch; inputs here are always {@code (batch, sequence, features)}, so axis 2 is the
     * last one.
     */
    static LayerNorm featureNorm() {
        return LayerNorm.builder().axis(2).build();
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
        x = x.add(attended.singletonOrThrow());
        NDList hidden = up.forward(parameterStore,
                ffnNorm.forward(parameterStore, new NDList(x), training), training);
        NDList out = down.forward(parameterStore,
                new NDList(Activation.gelu(hidden.singletonOrThrow())), training);
        return new NDList(x.add(out.singletonOrThrow()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape in = inputShapes[0];
        if (in.dimension() != 3 || in.get(2) != dModel) {
            throw new IllegalArgumentException(
                    "PlainGptBlock expects inputs (batch, sequence, " + dModel + "), got shape " + in);
        }
        attentionNorm.initialize(manager, dataType, in);
        attention.initialize(manager, dataType, in);
        ffnNorm.initialize(manager, dataType, in);
        up.initialize(manager, dataType, in);
        down.initialize(manager, dataType, new Shape(in.get(0), in.get(1), dFfn));
    }
}
