package dev.mup.runtime;

import ai.djl.ndarray.NDList;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The {@link Conv2d} a generated μP model installs in place of each annotated {@code Conv2d}, so
 * that a coordinate check can observe its output. It has the same configuration (kernel, stride,
 * padding, dilation, filters, groups, bias) and the same parameters, so saved weights load into
 * either; without an observer (the normal case) its forward pass is that of a plain
 * {@code Conv2d}.
 *
 * <p>DJL's {@code Conv1d} and {@code Conv3d} cannot be subclassed outside DJL (their
 * constructors are package-private); μP parametrizes them in place, and a coordinate check does
 * not see their outputs.
 */
public class MuConv2d extends Conv2d implements Observable {

    private final ObserverSlot observer = new ObserverSlot();

    private MuConv2d(Conv2d.Builder builder) {
        super(builder);
    }

    /**
     * A layer configured like {@code conv}, which must not be initialized.
     *
     * @param conv the layer the model was built with
     * @return the replacement
     * @throws IllegalStateException when {@code conv} is already initialized
     */
    static MuConv2d like(Conv2d conv) {
        if (conv.isInitialized()) {
            throw new IllegalStateException(
                    "The layer was already initialized; μP must install its layers before"
                            + " initialization");
        }
        LayerBuilder builder = new LayerBuilder();
        builder.setKernelShape(conv.getKernelShape())
                .optStride(conv.getStride())
                .optPadding(conv.getPadding())
                .optDilation(conv.getDilation())
                .setFilters(conv.getFilters())
                .optGroups(conv.getGroups())
                .optBias(conv.isIncludeBias());
        return builder.build();
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

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore,
            NDList inputs,
            boolean training,
            PairList<String, Object> params) {
        NDList out = super.forwardInternal(parameterStore, inputs, training, params);
        observer.report("", out.singletonOrThrow());
        return out;
    }

    @Override
    public String toString() {
        return "MuConv2d(filters=" + getFilters() + ", kernel=" + getKernelShape() + ")";
    }

    /** Gives access to {@code Conv2d.Builder}'s protected constructor. */
    private static final class LayerBuilder extends Conv2d.Builder {

        @Override
        public MuConv2d build() {
            validate();
            return new MuConv2d(this);
        }
    }
}
