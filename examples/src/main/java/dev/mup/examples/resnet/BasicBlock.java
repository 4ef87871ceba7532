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
 * The basic block of ResNet-18 with an identity shortcut: {@code relu(x + bn(conv(relu(bn(conv(x))))))},
 * two 3×3 convolutions of {@code channels → channels} (a multiple of the model's width).
 */
@MuBlock
public class BasicBlock extends AbstractBlock {

    /** {@code channels → channels}, 3×3. */
    @MuHidden(fanIn = "width", fanOut = "width")
    Conv2d conv1;

    /** After {@code conv1}. */
    @MuInput(width = "width")
    final BatchNorm norm1;

    /** {@code channels → channels}, 3×3. */
    @MuHidden(fanIn = "width", fanOut = "width")
    Conv2d conv2;

    /** After {@code conv2}, before the shortcut is added. */
    @MuInput(width = "width")
    final BatchNorm norm2;

    /**
     * Creates the block.
     *
     * @param channels its input and output channels
     */
    public BasicBlock(int channels) {
        conv1 = addChildBlock("conv1", Convolutions.conv3x3(channels, 1));
        norm1 = addChildBlock("norm1", BatchNorm.builder().build());
        conv2 = addChildBlock("conv2", Convolutions.conv3x3(channels, 1));
        norm2 = addChildBlock("norm2", BatchNorm.builder().build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList y = norm1.forward(ps, conv1.forward(ps, inputs, training), training);
        y = new NDList(Activation.relu(y.singletonOrThrow()));
        NDArray body = norm2.forward(ps, conv2.forward(ps, y, training), training).singletonOrThrow();
        return new NDList(Activation.relu(body.add(inputs.singletonOrThrow())));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (var child : getChildren().values()) {
            child.initialize(manager, dataType, inputShapes);
        }
    }
}
