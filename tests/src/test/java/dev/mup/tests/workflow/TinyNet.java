package dev.mup.tests.workflow;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.mup.annotations.MuHidden;
import dev.mup.annotations.MuInput;
import dev.mup.annotations.MuOutput;
import dev.mup.annotations.Width;

/** A user's small classifier, not one of the examples: {@code 8 → width → width → 4}. */
public class TinyNet extends AbstractBlock {

    @Width(base = 32)
    final int width;

    @MuInput Linear in;

    @MuHidden Linear mid;

    @MuOutput Linear out;

    /**
     * Creates the network.
     *
     * @param width the hidden width
     */
    public TinyNet(int width) {
        this.width = width;
        in = addChildBlock("in", Linear.builder().setUnits(width).build());
        mid = addChildBlock("mid", Linear.builder().setUnits(width).build());
        out = addChildBlock("out", Linear.builder().setUnits(TinyTask.CLASSES).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList x, boolean training, PairList<String, Object> params) {
        NDList h = new NDList(Activation.relu(in.forward(ps, x, training).singletonOrThrow()));
        h = new NDList(Activation.relu(mid.forward(ps, h, training).singletonOrThrow()));
        return out.forward(ps, h, training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), TinyTask.CLASSES)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        long batch = inputShapes[0].get(0);
        in.initialize(manager, dataType, inputShapes[0]);
        mid.initialize(manager, dataType, new Shape(batch, width));
        out.initialize(manager, dataType, new Shape(batch, width));
    }
}
