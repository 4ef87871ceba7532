package dev.mup.runtime;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.io.DataInputStream;
import java.io.IOException;

/**
 * The {@link Linear} layer a generated μP model installs in place of each annotated
 * {@code Linear}. It has the same parameters (saved weights load into either) and adds two
 * things:
 *
 * <ul>
 *   <li>an input multiplier, as mup's {@code MuReadout}: {@code y = W (c·x) + b}. The readout
 *       uses it for {@code α_out / m_in}; the constant scales the weight's contribution but not
 *       the bias, and is fixed when the layer is built. Other layers use 1, which costs nothing.
 *   <li>an optional {@link ActivationObserver} that sees the layer's output, for the coordinate
 *       check. Without one (the normal case) the forward pass is that of a plain {@code Linear}.
 * </ul>
 */
public class MuLinear extends Linear implements Observable, InitGuarded {

    private final float inputMultiplier;
    private final ObserverSlot observer = new ObserverSlot();
    private volatile OptimizerCheck optimizerCheck;
    private volatile ResidualCheck residualCheck;
    private volatile MuLayer layer;

    /**
     * Creates a layer.
     *
     * @param units the number of outputs
     * @param bias whether it has a bias
     * @param inputMultiplier the factor applied to the input
     */
    public MuLinear(long units, boolean bias, double inputMultiplier) {
        super(configure(units, bias));
        this.inputMultiplier = (float) inputMultiplier;
    }

    /**
     * A layer with the same size and bias as {@code linear}, which must not be initialized.
     *
     * @param linear the layer the model was built with
     * @param inputMultiplier the factor applied to the input
     * @return the replacement
     */
    static MuLinear like(Linear linear, double inputMultiplier) {
        if (linear.isInitialized()) {
            throw new IllegalStateException(
                    "The layer was already initialized; μP must install its layers before"
                            + " initialization");
        }
        long units = linear.getOutputShapes(new Shape[] {new Shape(1)})[0].get(0);
        boolean bias = linear.getDirectParameters().contains("bias");
        return new MuLinear(units, bias, inputMultiplier);
    }

    private static Linear.Builder configure(long units, boolean bias) {
        Linear.Builder builder = new LayerBuilder();
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

    /**
     * Sets or clears the observer of this layer's output.
     *
     * @param name the name reported with each output
     * @param observer the observer, or {@code null} to stop observing
     */
    @Override
    public void observe(String name, ActivationObserver observer) {
        this.observer.set(name, observer);
    }

    /** Sets the check, run on training passes, that the model is trained by a μP optimizer. */
    void checkOptimizer(OptimizerCheck check) {
        this.optimizerCheck = check;
    }

    /** Sets the check, run on every pass until it passes, that the depth blocks used their residuals. */
    void checkResiduals(ResidualCheck check) {
        this.residualCheck = check;
    }

    @Override
    public void guardInitializers(MuLayer layer) {
        this.layer = layer;
    }

    /** Refuses an initializer the user set on this layer (or elsewhere in the model) before it draws. */
    @Override
    protected void beforeInitialize(Shape... inputShapes) {
        MuLayer l = layer;
        if (l != null) {
            l.checkModelInitializers();
        }
        super.beforeInitialize(inputShapes);
    }

    /** Loads the layer's saved weights, which no initializer then draws. */
    @Override
    public void loadParameters(NDManager manager, DataInputStream is)
            throws IOException, MalformedModelException {
        super.loadParameters(manager, is);
        MuLayer l = layer;
        if (l != null) {
            l.loaded();
        }
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore,
            NDList inputs,
            boolean training,
            PairList<String, Object> params) {
        OptimizerCheck check = optimizerCheck;
        if (training && check != null) {
            check.look(parameterStore);
        }
        ResidualCheck residuals = residualCheck;
        if (residuals != null) {
            residuals.look();
        }
        NDList in = inputs;
        if (inputMultiplier != 1f) {
            NDArray scaled = Scalars.times(inputs.singletonOrThrow(), inputMultiplier);
            in = new NDList(scaled);
        }
        NDList out = super.forwardInternal(parameterStore, in, training, params);
        observer.report("", out.singletonOrThrow());
        return out;
    }

    @Override
    public String toString() {
        return "MuLinear(inputMultiplier=" + inputMultiplier + ")";
    }

    /** Gives access to {@code Linear.Builder}'s protected constructor. */
    private static final class LayerBuilder extends Linear.Builder {}
}
