package dev.mup.tests.conv;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.mup.annotations.MuHidden;
import dev.mup.annotations.MuInput;
import dev.mup.annotations.MuOutput;
import dev.mup.annotations.Width;

/**
 * {@link MupCnn} with BatchNorm, as mup's test builds it: a BatchNorm after each convolution and
 * each hidden {@code Linear}, before the ReLU. The norms' gains and biases are input-like
 * vectors of their layer's width; their running statistics are not parameters.
 */
class MupCnnBatchNorm extends AbstractBlock {

    @Width(base = 8)
    final int channels;

    @Width(base = 16)
    final int channels2;

    @Width(base = 128)
    final int hidden1;

    @Width(base = 80)
    final int hidden2;

    @MuInput(width = "channels")
    Conv2d conv1;

    @MuInput(width = "channels")
    final BatchNorm norm1;

    @MuHidden(fanIn = "channels", fanOut = "channels2")
    Conv2d conv2;

    @MuInput(width = "channels2")
    final BatchNorm norm2;

    @MuHidden(fanIn = "channels2", fanOut = "hidden1")
    Linear fc1;

    @MuInput(width = "hidden1")
    final BatchNorm norm3;

    @MuHidden(fanIn = "hidden1", fanOut = "hidden2")
    Linear fc2;

    @MuInput(width = "hidden2")
    final BatchNorm norm4;

    @MuOutput(width = "hidden2")
    Linear readout;

    MupCnnBatchNorm(int w) {
        channels = w;
        channels2 = 2 * w;
        hidden1 = 16 * w;
        hidden2 = 10 * w;
        conv1 = addChildBlock("conv1", MupCnn.conv(channels));
        norm1 = addChildBlock("norm1", BatchNorm.builder().build());
        conv2 = addChildBlock("conv2", MupCnn.conv(channels2));
        norm2 = addChildBlock("norm2", BatchNorm.builder().build());
        fc1 = addChildBlock("fc1", Linear.builder().setUnits(hidden1).build());
        norm3 = addChildBlock("norm3", BatchNorm.builder().build());
        fc2 = addChildBlock("fc2", Linear.builder().setUnits(hidden2).build());
        norm4 = addChildBlock("norm4", BatchNorm.builder().build());
        readout = addChildBlock("readout", Linear.builder().setUnits(10).build());
    }

    private static NDArray apply(Block block, ParameterStore ps, NDArray x, boolean training) {
        return block.forward(ps, new NDList(x), training).singletonOrThrow();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = apply(conv1, ps, inputs.singletonOrThrow(), training);
        x = MupCnn.pool(Activation.relu(apply(norm1, ps, x, training)));
        x = apply(conv2, ps, x, training);
        x = Blocks.batchFlatten(MupCnn.pool(Activation.relu(apply(norm2, ps, x, training))));
        x = Activation.relu(apply(norm3, ps, apply(fc1, ps, x, training), training));
        x = Activation.relu(apply(norm4, ps, apply(fc2, ps, x, training), training));
        return readout.forward(ps, new NDList(x), training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), 10)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        long batch = inputShapes[0].get(0);
        conv1.initialize(manager, dataType, inputShapes[0]);
        norm1.initialize(manager, dataType, new Shape(batch, channels, 28, 28));
        conv2.initialize(manager, dataType, new Shape(batch, channels, 14, 14));
        norm2.initialize(manager, dataType, new Shape(batch, channels2, 10, 10));
        fc1.initialize(manager, dataType, new Shape(batch, channels2 * 25L));
        norm3.initialize(manager, dataType, new Shape(batch, hidden1));
        fc2.initialize(manager, dataType, new Shape(batch, hidden1));
        norm4.initialize(manager, dataType, new Shape(batch, hidden2));
        readout.initialize(manager, dataType, new Shape(batch, hidden2));
    }
}
