package dev.mup.tests.depth;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.mup.annotations.Depth;
import dev.mup.annotations.MuInput;
import dev.mup.annotations.MuOutput;
import dev.mup.annotations.Width;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code features → width}, {@code depth} {@link ResidualUnit}s, {@code width → classes}. Input
 * {@code (batch, features)}, output logits {@code (batch, classes)}. The processor generates
 * {@code ResidualNetMuP} when the tests compile.
 */
class ResidualNet extends AbstractBlock {

    @Width(base = 8)
    final int width;

    @MuInput
    Linear input;

    @Depth(base = 1)
    final List<ResidualUnit> blocks = new ArrayList<>();

    @MuOutput
    Linear readout;

    private final int classes;

    ResidualNet(int width, int depth, int classes, boolean throughResidual) {
        this.width = width;
        this.classes = classes;
        input = addChildBlock("input", Linear.builder().setUnits(width).build());
        for (int i = 0; i < depth; i++) {
            blocks.add(addChildBlock("block" + i, new ResidualUnit(width, throughResidual)));
        }
        readout = addChildBlock("readout", Linear.builder().setUnits(classes).build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList x = input.forward(ps, inputs, training);
        for (ResidualUnit block : blocks) {
            x = block.forward(ps, x, training);
        }
        return readout.forward(ps, x, training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), classes)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape hidden = new Shape(inputShapes[0].get(0), width);
        input.initialize(manager, dataType, inputShapes);
        for (ResidualUnit block : blocks) {
            block.initialize(manager, dataType, hidden);
        }
        readout.initialize(manager, dataType, hidden);
    }
}
