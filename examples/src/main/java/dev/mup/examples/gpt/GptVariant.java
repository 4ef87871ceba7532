package dev.mup.examples.gpt;

import ai.djl.nn.norm.LayerNorm;
import dev.mup.runtime.AttentionScaling;
import dev.mup.runtime.MuLayerNorm;
import dev.mup.runtime.MuRmsNorm;
import java.util.Objects;

/**
 * The architectural choices of the example GPT that Lingle's study of μTransfer (arXiv
 * 2404.05728) varies, as an immutable value: which norm, which gain it has, which feed-forward
 * layer, and whether projections have biases. {@link #defaults()} is the GPT as it always was
 * (LayerNorm with gain and bias, GELU feed-forward, biases on), so models built without a variant
 * are unchanged.
 *
 * <p>The fifth choice of the study, the attention logit scale ({@code α/d_head}, μP, or the
 * standard {@code 1/√d_head}), is a μP option rather than part of the architecture:
 * {@code MuOptions.builder().attentionScaling(AttentionScaling.INVERSE_SQRT_HEAD_SIZE)} (see
 * {@link AttentionScaling}). The two scales differ only when the head size grows with width, so
 * that choice needs {@link Heads#FIXED_COUNT}: by default the GPT fixes the head size and adds
 * heads as it widens.
 */
public final class GptVariant {

    private static final GptVariant DEFAULTS = builder().build();

    /** The normalization before attention, before the feed-forward layer and before the readout. */
    public enum Norm {
        /** LayerNorm over the features, with a gain and a bias (input-like vectors). */
        LAYER_NORM,
        /** RMSNorm over the features ({@link MuRmsNorm}), with the chosen {@link MuRmsNorm.Gain}. */
        RMS_NORM
    }

    /** The feed-forward layer of each block. */
    public enum FeedForward {
        /** {@code down(gelu(up(x)))}, {@code up: dModel → dFfn}. */
        GELU,
        /**
         * SwiGLU (Shazeer 2020): {@code down(silu(gate(x)) ⊙ value(x))}, the value and gate
         * projections ({@code dModel → dFfn} each) fused in the one {@code up} layer
         * ({@code dModel → 2·dFfn}, value first). μP treats the fused layer exactly as two
         * separate hidden layers: both fans scale with the same widths, and μP's init, learning
         * rate and weight decay depend only on those.
         */
        SWIGLU
    }

    /** What stays fixed as the model widens: the head size or the number of heads. */
    public enum Heads {
        /** The head size given to the model; the number of heads grows with {@code dModel}. */
        FIXED_SIZE,
        /**
         * The number of heads the model has at {@code dModel = 64} (its declared base) with the
         * given head size, i.e. {@code 64 / headSize}; the head size {@code dModel / heads} grows
         * with width, which is where μP's {@code α/d_head} and the standard {@code 1/√d_head}
         * part ways.
         */
        FIXED_COUNT
    }

    private final Norm norm;
    private final MuRmsNorm.Gain gain;
    private final FeedForward feedForward;
    private final boolean bias;
    private final Heads heads;

    private GptVariant(Builder b) {
        this.norm = b.norm;
        this.gain = b.gain;
        this.feedForward = b.feedForward;
        this.bias = b.bias;
        this.heads = b.heads;
    }

    /**
     * The example GPT as it always was: LayerNorm, GELU, biases.
     *
     * @return the default variant
     */
    public static GptVariant defaults() {
        return DEFAULTS;
    }

    /**
     * Starts from the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The norm.
     *
     * @return LayerNorm or RMSNorm
     */
    public Norm norm() {
        return norm;
    }

    /**
     * The gain of an RMSNorm (always {@link MuRmsNorm.Gain#VECTOR} for LayerNorm).
     *
     * @return vector, none or scalar
     */
    public MuRmsNorm.Gain gain() {
        return gain;
    }

    /**
     * The feed-forward layer.
     *
     * @return GELU or SwiGLU
     */
    public FeedForward feedForward() {
        return feedForward;
    }

    /**
     * Whether the attention projections and the feed-forward layers have biases.
     *
     * @return {@code true} by default
     */
    public boolean bias() {
        return bias;
    }

    /**
     * What stays fixed as the model widens.
     *
     * @return the head size (default) or the number of heads
     */
    public Heads heads() {
        return heads;
    }

    /**
     * A new norm of this variant.
     *
     * @return a {@link MuLayerNorm} or a {@link MuRmsNorm}
     */
    LayerNorm newNorm() {
        return norm == Norm.LAYER_NORM ? MuLayerNorm.builder().build() : MuRmsNorm.builder().optGain(gain).build();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof GptVariant)) {
            return false;
        }
        GptVariant other = (GptVariant) o;
        return norm == other.norm && gain == other.gain && feedForward == other.feedForward && bias == other.bias
                && heads == other.heads;
    }

    @Override
    public int hashCode() {
        return Objects.hash(norm, gain, feedForward, bias, heads);
    }

    @Override
    public String toString() {
        return "GptVariant{norm=" + norm + (norm == Norm.RMS_NORM ? ", gain=" + gain : "")
                + ", feedForward=" + feedForward + ", bias=" + bias
                + (heads == Heads.FIXED_SIZE ? "" : ", heads=" + heads) + "}";
    }

    /** Builds a {@link GptVariant}. */
    public static final class Builder {
        private Norm norm = Norm.LAYER_NORM;
        private MuRmsNorm.Gain gain = MuRmsNorm.Gain.VECTOR;
        private FeedForward feedForward = FeedForward.GELU;
        private boolean bias = true;
        private Heads heads = Heads.FIXED_SIZE;

        private Builder() {}

        /**
         * Chooses what stays fixed as the model widens.
         *
         * @param heads {@link Heads#FIXED_SIZE} (default) or {@link Heads#FIXED_COUNT}
         * @return this builder
         */
        public Builder heads(Heads heads) {
            this.heads = Objects.requireNonNull(heads, "heads");
            return this;
        }

        /**
         * Chooses the norm.
         *
         * @param norm LayerNorm (default) or RMSNorm
         * @return this builder
         */
        public Builder norm(Norm norm) {
            this.norm = Objects.requireNonNull(norm, "norm");
            return this;
        }

        /**
         * Chooses the gain of the RMSNorms: a trainable vector (default), none, or one trainable
         * scalar per norm (the variant Lingle found to break transfer; μP leaves the scalar's
         * learning rate as at base width).
         *
         * @param gain the gain
         * @return this builder
         */
        public Builder gain(MuRmsNorm.Gain gain) {
            this.gain = Objects.requireNonNull(gain, "gain");
            return this;
        }

        /**
         * Chooses the feed-forward layer.
         *
         * @param feedForward GELU (default) or SwiGLU
         * @return this builder
         */
        public Builder feedForward(FeedForward feedForward) {
            this.feedForward = Objects.requireNonNull(feedForward, "feedForward");
            return this;
        }

        /**
         * Whether the attention projections and the feed-forward layers have biases.
         *
         * @param bias {@code true} by default
         * @return this builder
         */
        public Builder bias(boolean bias) {
            this.bias = bias;
            return this;
        }

        /**
         * Builds the variant.
         *
         * @return the variant
         * @throws IllegalArgumentException when a gain other than the vector is chosen for
         *     LayerNorm
         */
        public GptVariant build() {
            if (norm == Norm.LAYER_NORM && gain != MuRmsNorm.Gain.VECTOR) {
                throw new IllegalArgumentException(
                        "gain " + gain + " needs norm(Norm.RMS_NORM); LayerNorm always has a vector gain");
            }
            return new GptVariant(this);
        }
    }
}
