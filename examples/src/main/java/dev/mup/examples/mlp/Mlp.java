package dev.mup.examples.mlp;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.mup.annotations.MuHidden;
import dev.mup.annotations.MuInput;
import dev.mup.annotations.MuOutput;
import dev.mup.annotations.Width;

/**
 * The multilayer perceptron of microsoft/mup's own tests: {@code features → width → width →
 * classes}, ReLU between layers, every layer with a bias.
 *
 * <p>This class is an ordinary DJL block in the standard parametrization. The annotations tell
 * the μP processor what each field is; it generates {@link MlpMuP}, the same network in μP.
 */
public class Mlp extends AbstractBlock {

    /** The hidden width; hyperparameters are tuned at 64. */
    @Width(base = 64)
    final int width;

    /** Number of input features (finite: does not grow with the model). */
    final int features;

    /** Number of classes (finite). */
    final int classes;

    /** {@code features → width}. */
    @MuInput Linear input;

    /** {@code width → width}. */
    @MuHidden Linear hidden;

    /** {@code width → classes}. */
    @MuOutput Linear readout;

    /**
     * Creates the network.
     *
     * @param width the hidden width
     * @param features the number of input features
     * @param classes the number of classes
     * @throws IllegalArgumentException naming the argument when a size is not positive
     */
    public Mlp(int width, int features, int classes) {
        requirePositive("width", width);
        requirePositive("features", features);
        requirePositive("classes", classes);
        this.width = width;
        this.features = features;
        this.classes = classes;
        input = addChildBlock("input", Linear.builder().setUnits(width).build());
        hidden = addChildBlock("hidden", Linear.builder().setUnits(width).build());
        readout = addChildBlock("readout", Linear.builder().setUnits(classes).build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore,
            NDList inputs,
            boolean training,
            PairList<String, Object> params) {
        NDList x = input.forward(parameterStore, inputs, training);
        x = new NDList(Activation.relu(x.singletonOrThrow()));
        x = hidden.forward(parameterStore, x, training);
        x = new NDList(Activation.relu(x.singletonOrThrow()));
        return readout.forward(parameterStore, x, training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), classes)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape in = inputShapes[0];
        if (in.get(in.dimension() - 1) != features) {
            throw new IllegalArgumentException(
                    "Mlp expects " + features + " input features, got input shape " + in);
        }
        long batch = in.get(0);
        input.initialize(manager, dataType, in);
        hidden.initialize(manager, dataType, new Shape(batch, width));
        readout.initialize(manager, dataType, new Shape(batch, width));
    }

    private static void requirePositive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException("Mlp " + name + " must be positive, got " + value);
        }
    }

    /**
     * Returns the hidden width.
     *
     * @return the width this network was built with
     */
    public int width() {
        return width;
    }

}
