package dev.mup.tests.conv;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.mup.annotations.MuBlock;
import dev.mup.annotations.MuHidden;
import dev.mup.annotations.MuInput;

/** A residual unit {@code x + relu(norm(conv(x)))} with a 3×3 convolution without bias. */
@MuBlock
class ConvUnit extends AbstractBlock {

    @MuHidden(fanIn = "width", fanOut = "width")
    Conv2d conv;

    @MuInput(width = "width")
    final BatchNorm norm;

    ConvUnit(int width) {
        conv = addChildBlock("conv", Conv2d.builder()
                .setKernelShape(new Shape(3, 3))
                .optPadding(new Shape(1, 1))
                .setFilters(width)
                .optBias(false)
                .build());
        norm = addChildBlock("norm", BatchNorm.builder().build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDList y = norm.forward(ps, conv.forward(ps, inputs, training), training);
        return new NDList(x.add(Activation.relu(y.singletonOrThrow())));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        conv.initialize(manager, dataType, inputShapes);
        norm.initialize(manager, dataType, inputShapes);
    }
}
