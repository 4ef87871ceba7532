package dev.mup.tests.depth;

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
import dev.mup.runtime.MuResidual;

/**
 * A residual block {@code x + s · relu(dense(x))}, input and output {@code (batch, width)}. With
 * {@code throughResidual} false it declares its {@link MuResidual} but adds the branch with
 * {@code x.add(branch)}, the mistake {@link ResidualUseTest} expects the runtime to refuse.
 */
@MuBlock
class ResidualUnit extends AbstractBlock {

    @MuHidden(fanIn = "width", fanOut = "width")
    Linear dense;

    final MuResidual residual = new MuResidual();

    private final boolean throughResidual;

    ResidualUnit(int width, boolean throughResidual) {
        this.throughResidual = throughResidual;
        dense = addChildBlock("dense", Linear.builder().setUnits(width).build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray branch = Activation.relu(dense.forward(ps, inputs, training).singletonOrThrow());
        return new NDList(throughResidual ? residual.add(x, branch) : x.add(branch));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        dense.initialize(manager, dataType, inputShapes);
    }
}
