package dev.mup.examples.resnet;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;

/** The convolutions of the example ResNet, all without bias (a BatchNorm follows each). */
final class Convolutions {

    private Convolutions() {}

    /**
     * A 3×3 convolution with padding 1.
     *
     * @param channels output channels
     * @param stride 1, or 2 to halve the image
     * @return the layer
     */
    static Conv2d conv3x3(int channels, int stride) {
        return Conv2d.builder()
                .setKernelShape(new Shape(3, 3))
                .optStride(new Shape(stride, stride))
                .optPadding(new Shape(1, 1))
                .setFilters(channels)
                .optBias(false)
                .build();
    }

    /**
     * A 1×1 convolution, the projection of a shortcut.
     *
     * @param channels output channels
     * @param stride 1, or 2 to halve the image
     * @return the layer
     */
    static Conv2d conv1x1(int channels, int stride) {
        return Conv2d.builder()
                .setKernelShape(new Shape(1, 1))
                .optStride(new Shape(stride, stride))
                .setFilters(channels)
                .optBias(false)
                .build();
    }
}
