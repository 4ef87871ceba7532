package dev.mup.tests.conv;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv1d;
import ai.djl.nn.convolutional.Conv3d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.mup.annotations.MuHidden;
import dev.mup.annotations.MuInput;
import dev.mup.annotations.MuOutput;
import dev.mup.annotations.Width;

/** Small 1-d and 3-d convolutional networks, for the fans of Conv1d and Conv3d. */
final class SignalNets {

    private SignalNets() {}

    /** {@code Conv1d(2 → w, k3)}, {@code Conv1d(w → 2w, k5, 2 groups)}, pooling, readout. */
    static class Net1d extends AbstractBlock {

        @Width(base = 8)
        final int width;

        @MuInput
        Conv1d first;

        @MuHidden
        Conv1d grouped;

        @MuOutput
        Linear readout;

        Net1d(int width) {
            this(width, 2 * width);
        }

        /** As the other constructor, with {@code groupedFilters} output channels of {@code grouped}. */
        Net1d(int width, int groupedFilters) {
            this.width = width;
            first = addChildBlock("first", Conv1d.builder()
                    .setKernelShape(new Shape(3)).setFilters(width).build());
            grouped = addChildBlock("grouped", Conv1d.builder()
                    .setKernelShape(new Shape(5)).setFilters(groupedFilters).optGroups(2).build());
            readout = addChildBlock("readout", Linear.builder().setUnits(3).build());
        }

        @Override
        protected NDList forwardInternal(
                ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
            NDList x = new NDList(Activation.relu(first.forward(ps, inputs, training).singletonOrThrow()));
            x = grouped.forward(ps, x, training);
            return readout.forward(ps, new NDList(Pool.globalAvgPool1d(x.singletonOrThrow())), training);
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return new Shape[] {new Shape(inputShapes[0].get(0), 3)};
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            Shape in = inputShapes[0];
            first.initialize(manager, dataType, in);
            grouped.initialize(manager, dataType, new Shape(in.get(0), width, in.get(2) - 2));
            readout.initialize(manager, dataType, new Shape(in.get(0), grouped.getFilters()));
        }
    }

    /** {@code Conv3d(1 → w, k2×3×3)}, {@code Conv3d(w → w, k1×3×3)}, pooling, readout. */
    static class Net3d extends AbstractBlock {

        @Width(base = 4)
        final int width;

        @MuInput
        Conv3d first;

        @MuHidden
        Conv3d second;

        @MuOutput
        Linear readout;

        Net3d(int width) {
            this.width = width;
            first = addChildBlock("first", Conv3d.builder()
                    .setKernelShape(new Shape(2, 3, 3)).setFilters(width).build());
            second = addChildBlock("second", Conv3d.builder()
                    .setKernelShape(new Shape(1, 3, 3)).setFilters(width).build());
            readout = addChildBlock("readout", Linear.builder().setUnits(3).build());
        }

        @Override
        protected NDList forwardInternal(
                ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
            NDList x = new NDList(Activation.relu(first.forward(ps, inputs, training).singletonOrThrow()));
            x = second.forward(ps, x, training);
            return readout.forward(ps, new NDList(Pool.globalAvgPool3d(x.singletonOrThrow())), training);
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return new Shape[] {new Shape(inputShapes[0].get(0), 3)};
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            Shape in = inputShapes[0];
            first.initialize(manager, dataType, in);
            second.initialize(manager, dataType,
                    new Shape(in.get(0), width, in.get(2) - 1, in.get(3) - 2, in.get(4) - 2));
            readout.initialize(manager, dataType, new Shape(in.get(0), width));
        }
    }
}
