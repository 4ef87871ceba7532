package dev.mup.examples.resnet;

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

/**
 * The first block of a ResNet stage: a basic block that doubles the channels and halves the
 * image (stride 2), with a projection shortcut {@code bn(conv1x1(x))}. Every channel count is a
 * multiple of the model's one width.
 */
@MuBlock
public class ProjectionBlock extends AbstractBlock {

    /** {@code in → out}, 3×3, stride 2. */
    @MuHidden(fanIn = "width", fanOut = "width")
    Conv2d conv1;

    /** After {@code conv1}. */
    @MuInput(width = "width")
    final BatchNorm norm1;

    /** {@code out → out}, 3×3. */
    @MuHidden(fanIn = "width", fanOut = "width")
    Conv2d conv2;

    /** After {@code conv2}. */
    @MuInput(width = "width")
    final BatchNorm norm2;

    /** The projection shortcut {@code in → out}, 1×1, stride 2. */
    @MuHidden(fanIn = "width", fanOut = "width")
    Conv2d shortcut;

    /** After the projection. */
    @MuInput(width = "width")
    final BatchNorm shortcutNorm;

    /**
     * Creates the block.
     *
     * @param outChannels its output channels (its input has half as many)
     */
    public ProjectionBlock(int outChannels) {
        conv1 = addChildBlock("conv1", Convolutions.conv3x3(outChannels, 2));
        norm1 = addChildBlock("norm1", BatchNorm.builder().build());
        conv2 = addChildBlock("conv2", Convolutions.conv3x3(outChannels, 1));
        norm2 = addChildBlock("norm2", BatchNorm.builder().build());
        shortcut = addChildBlock("shortcut", Convolutions.conv1x1(outChannels, 2));
        shortcutNorm = addChildBlock("shortcutNorm", BatchNorm.builder().build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList y = norm1.forward(ps, conv1.forward(ps, inputs, training), training);
        y = new NDList(Activation.relu(y.singletonOrThrow()));
        NDArray body = norm2.forward(ps, conv2.forward(ps, y, training), training).singletonOrThrow();
        NDArray skip = shortcutNorm.forward(ps, shortcut.forward(ps, inputs, training), training)
                .singletonOrThrow();
        return new NDList(Activation.relu(body.add(skip)));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return conv1.getOutputShapes(inputShapes);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape out = conv1.getOutputShapes(inputShapes)[0];
        conv1.initialize(manager, dataType, inputShapes);
        norm1.initialize(manager, dataType, out);
        conv2.initialize(manager, dataType, out);
        norm2.initialize(manager, dataType, out);
        shortcut.initialize(manager, dataType, inputShapes);
        shortcutNorm.initialize(manager, dataType, out);
    }
}
