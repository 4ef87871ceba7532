package dev.mup.runtime;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A {@link LayerNorm} over the last axis whose output a coordinate check can record. Use it
 * instead of DJL's {@code LayerNorm} for the {@code @MuInput} norms of a model when you want them
 * in the check: μP treats both the same (gain and bias are input-like), but DJL's block has no
 * hook for observing its output.
 *
 * <p>DJL's {@code LayerNorm} without an axis normalizes over every axis but the batch; a
 * Transformer normalizes each position over its features only, which is what this block always
 * does, whatever the rank of its input.
 */
public final class MuLayerNorm extends LayerNorm implements Observable, InitGuarded {

    private final ObserverSlot observer = new ObserverSlot();
    private volatile MuLayer layer;

    private MuLayerNorm(Builder builder) {
        super(builder);
    }

    /**
     * A builder; {@code optEpsilon}, {@code optCenter} and {@code optScale} work as for DJL's
     * {@code LayerNorm}, the axis is always the last one.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void observe(String name, ActivationObserver observer) {
        this.observer.set(name, observer);
    }

    @Override
    public void guardInitializers(MuLayer layer) {
        this.layer = layer;
    }

    @Override
    protected void beforeInitialize(Shape... inputShapes) {
        MuLayer l = layer;
        if (l != null) {
            // refuses an initializer the user set on the gain, the bias or elsewhere in the model
            // before it draws
            l.checkModelInitializers();
        }
        super.beforeInitialize(inputShapes);
        Shape input = inputShapes[0];
        normalizedShape = new Shape(input.get(input.dimension() - 1));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore,
            NDList inputs,
            boolean training,
            PairList<String, Object> params) {
        NDList out = super.forwardInternal(parameterStore, inputs, training, params);
        observer.report("", out.head());
        return out;
    }

    /** Builds a {@link MuLayerNorm}. */
    public static final class Builder extends LayerNorm.Builder {

        private Builder() {}

        @Override
        public MuLayerNorm build() {
            return new MuLayerNorm(this);
        }
    }
}
