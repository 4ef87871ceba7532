package dev.mup.tests.guard;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.mup.annotations.MuHidden;
import dev.mup.annotations.MuInput;
import dev.mup.annotations.MuOutput;
import dev.mup.annotations.MuUnscaled;
import dev.mup.annotations.Width;
import dev.mup.runtime.MuLayerNorm;
import java.util.List;

/**
 * Models of issue 12 whose layers would escape μP: a {@code SequentialBlock} body left without a
 * role (silenced at compile time, so that only the run-time check speaks), the same body kept
 * unscaled on purpose, and a model that keeps its own list of its layers.
 */
final class EscapeModels {

    private EscapeModels() {}

    /** Two width → width layers in a {@code SequentialBlock}. */
    static SequentialBlock body(int width) {
        SequentialBlock body = new SequentialBlock();
        body.add(Linear.builder().setUnits(width).build());
        body.add(Activation.reluBlock());
        body.add(Linear.builder().setUnits(width).build());
        return body;
    }

    /** The shape of the issue: input, an unannotated SequentialBlock body, readout (8 parameters). */
    public static class BodyMlp extends AbstractBlock {

        @Width(base = 16)
        final int width;

        @MuInput Linear input;

        // The compile-time warning is silenced here so that the run-time check is what is tested.
        @SuppressWarnings("mup")
        SequentialBlock body;

        @MuOutput Linear readout;

        public BodyMlp(int width) {
            this.width = width;
            input = addChildBlock("input", Linear.builder().setUnits(width).build());
            body = addChildBlock("body", body(width));
            readout = addChildBlock("readout", Linear.builder().setUnits(3).build());
        }

        @Override
        protected NDList forwardInternal(
                ParameterStore ps, NDList in, boolean training, PairList<String, Object> params) {
            NDList x = input.forward(ps, in, training);
            x = body.forward(ps, x, training);
            return readout.forward(ps, x, training);
        }

        @Override
        public Shape[] getOutputShapes(Shape[] in) {
            return new Shape[] {new Shape(in[0].get(0), 3)};
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... in) {
            input.initialize(manager, dataType, in[0]);
            Shape hidden = new Shape(in[0].get(0), width);
            body.initialize(manager, dataType, hidden);
            readout.initialize(manager, dataType, hidden);
        }
    }

    /** The same body, kept unscaled on purpose with {@code @MuUnscaled}. */
    public static class UnscaledBodyMlp extends AbstractBlock {

        @Width(base = 16)
        final int width;

        @MuInput Linear input;

        @MuUnscaled SequentialBlock body;

        @MuOutput Linear readout;

        public UnscaledBodyMlp(int width) {
            this.width = width;
            input = addChildBlock("input", Linear.builder().setUnits(width).build());
            body = addChildBlock("body", body(width));
            readout = addChildBlock("readout", Linear.builder().setUnits(3).build());
        }

        @Override
        protected NDList forwardInternal(
                ParameterStore ps, NDList in, boolean training, PairList<String, Object> params) {
            NDList x = input.forward(ps, in, training);
            x = body.forward(ps, x, training);
            return readout.forward(ps, x, training);
        }

        @Override
        public Shape[] getOutputShapes(Shape[] in) {
            return new Shape[] {new Shape(in[0].get(0), 3)};
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... in) {
            input.initialize(manager, dataType, in[0]);
            Shape hidden = new Shape(in[0].get(0), width);
            body.initialize(manager, dataType, hidden);
            readout.initialize(manager, dataType, hidden);
        }
    }

    /**
     * A model that keeps its own list of its layers, filled in its constructor, and initializes
     * and runs them through that list: the list still holds the layers μP replaced.
     */
    public static class ListMlp extends AbstractBlock {

        @Width(base = 16)
        final int width;

        @MuInput Linear input;

        @MuHidden Linear hidden;

        @MuOutput Linear readout;

        @SuppressWarnings("mup")
        final List<Block> layers;

        public ListMlp(int width) {
            this.width = width;
            input = addChildBlock("input", Linear.builder().setUnits(width).build());
            hidden = addChildBlock("hidden", Linear.builder().setUnits(width).build());
            readout = addChildBlock("readout", Linear.builder().setUnits(3).build());
            layers = List.of(input, hidden, readout);
        }

        @Override
        protected NDList forwardInternal(
                ParameterStore ps, NDList in, boolean training, PairList<String, Object> params) {
            NDList x = in;
            for (Block layer : layers) {
                x = layer.forward(ps, x, training);
            }
            return x;
        }

        @Override
        public Shape[] getOutputShapes(Shape[] in) {
            return new Shape[] {new Shape(in[0].get(0), 3)};
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... in) {
            Shape shape = in[0];
            for (Block layer : layers) {
                layer.initialize(manager, dataType, shape);
                shape = layer.getOutputShapes(new Shape[] {shape})[0];
            }
        }
    }

    /** A custom block holding a width → width {@code Linear} in a field of its own. */
    public static class Gate extends AbstractBlock {

        final Linear proj;

        public Gate(int width) {
            proj = addChildBlock("proj", Linear.builder().setUnits(width).build());
        }

        @Override
        protected NDList forwardInternal(
                ParameterStore ps, NDList in, boolean training, PairList<String, Object> params) {
            return proj.forward(ps, in, training);
        }

        @Override
        public Shape[] getOutputShapes(Shape[] in) {
            return proj.getOutputShapes(in);
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... in) {
            proj.initialize(manager, dataType, in);
        }
    }

    /** An unannotated custom block and an unannotated width-sized norm. */
    public static class MixedMlp extends AbstractBlock {

        @Width(base = 16)
        final int width;

        @MuInput Linear input;

        @SuppressWarnings("mup")
        Gate gate;

        @SuppressWarnings("mup")
        MuLayerNorm norm;

        @MuOutput Linear readout;

        public MixedMlp(int width) {
            this.width = width;
            input = addChildBlock("input", Linear.builder().setUnits(width).build());
            gate = addChildBlock("gate", new Gate(width));
            norm = addChildBlock("norm", MuLayerNorm.builder().build());
            readout = addChildBlock("readout", Linear.builder().setUnits(3).build());
        }

        @Override
        protected NDList forwardInternal(
                ParameterStore ps, NDList in, boolean training, PairList<String, Object> params) {
            NDList x = input.forward(ps, in, training);
            x = norm.forward(ps, gate.forward(ps, x, training), training);
            return readout.forward(ps, x, training);
        }

        @Override
        public Shape[] getOutputShapes(Shape[] in) {
            return new Shape[] {new Shape(in[0].get(0), 3)};
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... in) {
            input.initialize(manager, dataType, in[0]);
            Shape hidden = new Shape(in[0].get(0), width);
            gate.initialize(manager, dataType, hidden);
            norm.initialize(manager, dataType, hidden);
            readout.initialize(manager, dataType, hidden);
        }
    }
}
