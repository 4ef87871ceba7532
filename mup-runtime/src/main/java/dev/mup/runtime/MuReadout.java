package dev.mup.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A {@link Linear} readout that multiplies its input by a constant before the projection, as
 * mup's {@code MuReadout} does: {@code y = W (c·x) + b}. The constant scales the weight's
 * contribution but not the bias, and is fixed when the block is built, so a training step pays
 * one scalar multiply for it.
 *
 * <p>It has the same parameters as a plain {@code Linear}, so saved weights load into either.
 */
public class MuReadout extends Linear {

    private final float inputMultiplier;

    /**
     * Creates a readout.
     *
     * @param units the number of outputs
     * @param bias whether it has a bias
     * @param inputMultiplier the factor applied to the input
     */
    public MuReadout(long units, boolean bias, double inputMultiplier) {
        super(configure(units, bias));
        this.inputMultiplier = (float) inputMultiplier;
    }

    /**
     * A readout with the same size and bias as {@code linear}, which must not be initialized.
     *
     * @param linear the readout the model was built with
     * @param inputMultiplier the factor applied to the input
     * @return the replacement
     */
    static MuReadout like(Linear linear, double inputMultiplier) {
        if (linear.isInitialized()) {
            throw new IllegalStateException(
                    "The readout was already initialized; μP must install its readout before"
                            + " initialization");
        }
        long units = linear.getOutputShapes(new Shape[] {new Shape(1)})[0].get(0);
        boolean bias = linear.getDirectParameters().contains("bias");
        return new MuReadout(units, bias, inputMultiplier);
    }

    private static Linear.Builder configure(long units, boolean bias) {
        Linear.Builder builder = new ReadoutBuilder();
        return builder.setUnits(units).optBias(bias);
    }

    /**
     * The factor applied to the input.
     *
     * @return the input multiplier
     */
    public float inputMultiplier() {
        return inputMultiplier;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore,
            NDList inputs,
            boolean training,
            PairList<String, Object> params) {
        if (inputMultiplier == 1f) {
            return super.forwardInternal(parameterStore, inputs, training, params);
        }
        NDArray scaled = inputs.singletonOrThrow().mul(inputMultiplier);
        return super.forwardInternal(parameterStore, new NDList(scaled), training, params);
    }

    @Override
    public String toString() {
        return "MuReadout(inputMultiplier=" + inputMultiplier + ")";
    }

    /** Gives access to {@code Linear.Builder}'s protected constructor. */
    private static final class ReadoutBuilder extends Linear.Builder {}
}
