package dev.mup.tests.conv;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.mup.annotations.MuInput;
import dev.mup.annotations.MuOutput;
import dev.mup.annotations.Width;
import java.util.ArrayList;
import java.util.List;

/**
 * A stem convolution ({@code 3 → width} channels), a list of {@link ConvUnit}s, global average
 * pooling and a readout over 10 classes.
 */
class ConvTower extends AbstractBlock {

    @Width(base = 4)
    final int width;

    @MuInput
    Conv2d stem;

    final List<ConvUnit> units = new ArrayList<>();

    @MuOutput
    Linear readout;

    ConvTower(int width, int depth) {
        this(width, depth, false);
    }

    /** As the other constructor; with {@code subclassStem} the stem is a subclass of Conv2d. */
    ConvTower(int width, int depth, boolean subclassStem) {
        this.width = width;
        Conv2d.Builder builder = subclassStem ? new OwnConv2d.Builder() : Conv2d.builder();
        stem = addChildBlock("stem", builder.setKernelShape(new Shape(3, 3))
                .optPadding(new Shape(1, 1))
                .setFilters(width)
                .build());
        for (int i = 0; i < depth; i++) {
            units.add(addChildBlock("unit" + i, new ConvUnit(width)));
        }
        readout = addChildBlock("readout", Linear.builder().setUnits(10).build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList x = stem.forward(ps, inputs, training);
        for (ConvUnit unit : units) {
            x = unit.forward(ps, x, training);
        }
        NDArray pooled = Pool.globalAvgPool2d(x.singletonOrThrow());
        return readout.forward(ps, new NDList(pooled), training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), 10)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape in = inputShapes[0];
        stem.initialize(manager, dataType, in);
        Shape hidden = new Shape(in.get(0), width, in.get(2), in.get(3));
        for (ConvUnit unit : units) {
            unit.initialize(manager, dataType, hidden);
        }
        readout.initialize(manager, dataType, new Shape(in.get(0), width));
    }

    /** A subclass of Conv2d, which μP refuses to replace. */
    static final class OwnConv2d extends Conv2d {

        OwnConv2d(Builder builder) {
            super(builder);
        }

        static final class Builder extends Conv2d.Builder {
            @Override
            public Conv2d build() {
                return new OwnConv2d(this);
            }
        }
    }
}
