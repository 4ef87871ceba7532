package dev.mup.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Objects;

/**
 * Root-mean-square normalization over the last axis (Zhang and Sennrich 2019):
 * {@code y = x / sqrt(mean(x²) + ε) · g}, without LayerNorm's centering and bias. Its output is
 * observable by the coordinate check.
 *
 * <p>The gain {@code g} is one of three {@link Gain}s: a trainable vector over the features
 * (the usual RMSNorm), none (a parameter-free norm, as in Lingle's baseline), or one trainable
 * scalar. Under μP the vector gain is input-like (one width dimension: initialized to 1, learning
 * rate {@code η} under Adam, like a LayerNorm gain); the scalar gain has no width dimension, so it
 * is {@link ParameterClass#FIXED}: initialized to 1, learning rate and weight decay {@code η},
 * {@code wd}, the same at every width. The block has no bias.
 *
 * <p>It extends DJL's {@link LayerNorm} so that a field annotated {@code @MuInput} may hold it
 * wherever it may hold a LayerNorm (the processor and {@link MuLayer} know the type), and its
 * gain is LayerNorm's {@code gamma}; it has no {@code beta}.
 */
public final class MuRmsNorm extends LayerNorm implements Observable {

    /** What the normalized output is multiplied by. */
    public enum Gain {
        /** A trainable gain per feature, {@code (features)}, initialized to 1: input-like. */
        VECTOR,
        /** No gain: the block has no parameters. */
        NONE,
        /**
         * One trainable scalar, shape {@code (1)}, initialized to 1: width-independent
         * ({@link ParameterClass#FIXED}), so μP leaves its init, learning rate and weight decay
         * as tuned at base width.
         */
        SCALAR
    }

    private final Gain gain;
    private final ObserverSlot observer = new ObserverSlot();

    private MuRmsNorm(Builder builder) {
        super(builder.optCenter(false).optScale(builder.gain != Gain.NONE));
        this.gain = builder.gain;
        parameters.remove("beta");
        if (gain == Gain.NONE) {
            parameters.remove("gamma");
        }
    }

    /**
     * A builder: a vector gain and ε = 1e-5 unless set.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The kind of gain.
     *
     * @return vector, none or scalar
     */
    public Gain gain() {
        return gain;
    }

    /**
     * ε, added to the mean square.
     *
     * @return ε
     */
    public float epsilon() {
        return epsilon;
    }

    @Override
    public void observe(String name, ActivationObserver observer) {
        this.observer.set(name, observer);
    }

    @Override
    protected void beforeInitialize(Shape... inputShapes) {
        super.beforeInitialize(inputShapes);
        Shape input = inputShapes[0];
        normalizedShape = gain == Gain.SCALAR ? new Shape(1) : new Shape(input.get(input.dimension() - 1));
    }

    @Override
    public void prepare(Shape[] inputShapes) {
        if (gain != Gain.NONE) {
            gamma.setShape(normalizedShape);
        }
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore,
            NDList inputs,
            boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray meanSquare = x.square().mean(new int[] {-1}, true);
        NDArray epsilonArray = x.getManager().full(new Shape(), epsilon, x.getDataType());
        NDArray y = x.div(meanSquare.add(epsilonArray).sqrt());
        if (gain != Gain.NONE) {
            y = y.mul(parameterStore.getValue(gamma, x.getDevice(), training));
        }
        observer.report("", y);
        return new NDList(y);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    /** Builds a {@link MuRmsNorm}; the axis is always the last one and there is never a bias. */
    public static final class Builder extends LayerNorm.Builder {

        private Gain gain = Gain.VECTOR;

        private Builder() {}

        /**
         * Chooses the gain.
         *
         * @param gain {@link Gain#VECTOR} (default), {@link Gain#NONE} or {@link Gain#SCALAR}
         * @return this builder
         */
        public Builder optGain(Gain gain) {
            this.gain = Objects.requireNonNull(gain, "gain");
            return this;
        }

        @Override
        public Builder optEpsilon(float epsilon) {
            if (!(epsilon > 0) || Float.isInfinite(epsilon)) {
                throw new IllegalArgumentException("RMSNorm epsilon must be positive and finite, got " + epsilon);
            }
            super.optEpsilon(epsilon);
            return this;
        }

        @Override
        public MuRmsNorm build() {
            return new MuRmsNorm(this);
        }
    }
}
