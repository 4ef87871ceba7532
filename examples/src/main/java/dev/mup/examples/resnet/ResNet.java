package dev.mup.examples.resnet;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.mup.annotations.MuInput;
import dev.mup.annotations.MuOutput;
import dev.mup.annotations.Width;
import java.util.ArrayList;
import java.util.List;

/**
 * A ResNet-18-style network for small images: a 3×3 stem of {@code width} channels, then stages
 * of basic blocks whose channels double from stage to stage ({@code width}, {@code 2·width},
 * {@code 4·width}, {@code 8·width}) while the image halves, global average pooling and a
 * readout. The first block of every stage after the first is a {@link ProjectionBlock} (stride
 * 2, projection shortcut), the others {@link BasicBlock}s (identity shortcut). With 4 stages of 2
 * blocks it has the layout of ResNet-18 (without the 7×7 stem and max pooling, which 28×28 images
 * do not need).
 *
 * <p>One width scales every stage: every channel count is a multiple of {@code width}, and every
 * convolution names it. The stem is input-like (image channels are fixed), the block convolutions
 * hidden, every BatchNorm input-like, the readout output-like.
 */
public class ResNet extends AbstractBlock {

    /** Channels of the first stage; hyperparameters are tuned at 16. */
    @Width(base = 16)
    final int width;

    /** Input channels (finite). */
    final int inChannels;

    /** Classes (finite). */
    final int classes;

    /** Number of stages, 1 to 4. */
    final int stages;

    /** Blocks per stage. */
    final int blocksPerStage;

    /** {@code inChannels → width}, 3×3. */
    @MuInput
    Conv2d stem;

    /** After the stem. */
    @MuInput
    final BatchNorm stemNorm;

    /** The first block of stages 2, 3, ...: {@code stages - 1} blocks. */
    final List<ProjectionBlock> downsampling = new ArrayList<>();

    /** The identity blocks, stage by stage. */
    final List<BasicBlock> blocks = new ArrayList<>();

    /** {@code 2^(stages-1)·width → classes}, after global average pooling. */
    @MuOutput
    Linear readout;

    /**
     * Creates the network.
     *
     * @param width channels of the first stage
     * @param inChannels channels of the input images
     * @param classes number of classes
     * @param stages number of stages, 1 to 4 (4 for ResNet-18)
     * @param blocksPerStage blocks per stage, at least 1 (2 for ResNet-18)
     * @throws IllegalArgumentException naming the argument that is out of range
     */
    public ResNet(int width, int inChannels, int classes, int stages, int blocksPerStage) {
        requireAtLeast("width", width, 1);
        requireAtLeast("inChannels", inChannels, 1);
        requireAtLeast("classes", classes, 1);
        requireAtLeast("stages", stages, 1);
        requireAtLeast("blocksPerStage", blocksPerStage, 1);
        if (stages > 4) {
            throw new IllegalArgumentException("ResNet stages must be 1 to 4, got " + stages);
        }
        this.width = width;
        this.inChannels = inChannels;
        this.classes = classes;
        this.stages = stages;
        this.blocksPerStage = blocksPerStage;
        stem = addChildBlock("stem", Convolutions.conv3x3(width, 1));
        stemNorm = addChildBlock("stemNorm", BatchNorm.builder().build());
        for (int s = 0; s < stages; s++) {
            int channels = width << s;
            for (int b = 0; b < blocksPerStage; b++) {
                String name = "stage" + (s + 1) + "_block" + b;
                if (s > 0 && b == 0) {
                    downsampling.add(addChildBlock(name, new ProjectionBlock(channels)));
                } else {
                    blocks.add(addChildBlock(name, new BasicBlock(channels)));
                }
            }
        }
        readout = addChildBlock("readout", Linear.builder().setUnits(classes).build());
    }

    /**
     * ResNet-18's layout: 4 stages of 2 blocks.
     *
     * @param width channels of the first stage
     * @param inChannels channels of the input images
     * @param classes number of classes
     * @return the network
     */
    public static ResNet resNet18(int width, int inChannels, int classes) {
        return new ResNet(width, inChannels, classes, 4, 2);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList x = stemNorm.forward(ps, stem.forward(ps, inputs, training), training);
        x = new NDList(Activation.relu(x.singletonOrThrow()));
        int identity = 0;
        for (int s = 0; s < stages; s++) {
            for (int b = 0; b < blocksPerStage; b++) {
                x = s > 0 && b == 0
                        ? downsampling.get(s - 1).forward(ps, x, training)
                        : blocks.get(identity++).forward(ps, x, training);
            }
        }
        return readout.forward(ps, new NDList(Pool.globalAvgPool2d(x.singletonOrThrow())), training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), classes)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape in = inputShapes[0];
        if (in.dimension() != 4 || in.get(1) != inChannels) {
            throw new IllegalArgumentException(
                    "ResNet expects images (batch, " + inChannels + ", height, width), got " + in);
        }
        stem.initialize(manager, dataType, in);
        Shape x = stem.getOutputShapes(new Shape[] {in})[0];
        stemNorm.initialize(manager, dataType, x);
        int identity = 0;
        for (int s = 0; s < stages; s++) {
            for (int b = 0; b < blocksPerStage; b++) {
                AbstractBlock block = s > 0 && b == 0 ? downsampling.get(s - 1) : blocks.get(identity++);
                block.initialize(manager, dataType, x);
                x = block.getOutputShapes(new Shape[] {x})[0];
            }
        }
        readout.initialize(manager, dataType, new Shape(in.get(0), x.get(1)));
    }

    /**
     * The width this network was built with.
     *
     * @return channels of the first stage
     */
    public int width() {
        return width;
    }

    private static void requireAtLeast(String name, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(
                    "ResNet " + name + " must be at least " + min + ", got " + value);
        }
    }
}
