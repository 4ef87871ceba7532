package dev.mup.tests.conv;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.mup.annotations.MuHidden;
import dev.mup.annotations.MuInput;
import dev.mup.annotations.MuOutput;
import dev.mup.annotations.Width;

/**
 * microsoft/mup's CNN test model ({@code mup/test/models.py}) without BatchNorm:
 * {@code Conv2d(3→w, k5) ReLU MaxPool2 Conv2d(w→2w, k5) ReLU MaxPool2 Flatten Linear(50w→16w) ReLU
 * Linear(16w→10w) ReLU readout(10w→10)} on {@code 3×32×32} images, base width 8.
 *
 * <p>Its sizes are four widths, each a multiple of {@code w} with its own base: {@code channels}
 * = w, {@code channels2} = 2w, {@code hidden1} = 16w, {@code hidden2} = 10w. The flatten after
 * the second pooling gives {@code channels2 · 5 · 5} features, so {@code fc1}'s fan_in scales
 * with {@code channels2}.
 */
class MupCnn extends AbstractBlock {

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

    @MuHidden(fanIn = "channels", fanOut = "channels2")
    Conv2d conv2;

    /** After the flatten of {@code channels2 × 5 × 5}: fan_in {@code 25 · channels2}. */
    @MuHidden(fanIn = "channels2", fanOut = "hidden1")
    Linear fc1;

    @MuHidden(fanIn = "hidden1", fanOut = "hidden2")
    Linear fc2;

    @MuOutput(width = "hidden2")
    Linear readout;

    MupCnn(int w) {
        channels = w;
        channels2 = 2 * w;
        hidden1 = 16 * w;
        hidden2 = 10 * w;
        conv1 = addChildBlock("conv1", conv(channels));
        conv2 = addChildBlock("conv2", conv(channels2));
        fc1 = addChildBlock("fc1", Linear.builder().setUnits(hidden1).build());
        fc2 = addChildBlock("fc2", Linear.builder().setUnits(hidden2).build());
        readout = addChildBlock("readout", Linear.builder().setUnits(10).build());
    }

    static Conv2d conv(int filters) {
        return Conv2d.builder().setKernelShape(new Shape(5, 5)).setFilters(filters).build();
    }

    static NDArray pool(NDArray x) {
        return Pool.maxPool2d(x, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = conv1.forward(ps, inputs, training).singletonOrThrow();
        x = pool(Activation.relu(x));
        x = conv2.forward(ps, new NDList(x), training).singletonOrThrow();
        x = Blocks.batchFlatten(pool(Activation.relu(x)));
        x = Activation.relu(fc1.forward(ps, new NDList(x), training).singletonOrThrow());
        x = Activation.relu(fc2.forward(ps, new NDList(x), training).singletonOrThrow());
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
        conv2.initialize(manager, dataType, new Shape(batch, channels, 14, 14));
        fc1.initialize(manager, dataType, new Shape(batch, channels2 * 25L));
        fc2.initialize(manager, dataType, new Shape(batch, hidden1));
        readout.initialize(manager, dataType, new Shape(batch, hidden2));
    }
}
