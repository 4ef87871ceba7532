package dev.mup.runtime;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * Run-time choices for a generated μP model: parametrization, readout form, init mode and
 * overrides of hyperparameters declared in the annotations. Immutable; build with
 * {@link #builder()}.
 *
 * <pre>{@code
 * MuOptions options = MuOptions.builder().initMode(InitMode.normal(0.02)).outputMultiplier(2).build();
 * MlpMuP model = new MlpMuP(options, 1024, 3072, 10);
 * }</pre>
 */
public final class MuOptions {

    private static final MuOptions DEFAULTS = builder().build();

    private final Parametrization parametrization;
    private final ReadoutForm readoutForm;
    private final InitMode initMode;
    private final OptionalDouble outputMultiplier;
    private final Optional<Boolean> zeroInitReadout;
    private final Map<String, Integer> baseWidths;
    private final OptionalDouble attentionMultiplier;
    private final boolean zeroInitQuery;
    private final AttentionScaling attentionScaling;
    private final double depthExponent;
    private final OptionalInt baseDepth;
    private final EpsilonScaling epsilonScaling;

    private MuOptions(Builder b) {
        this.parametrization = b.parametrization;
        this.readoutForm = b.readoutForm;
        this.initMode = b.initMode;
        this.outputMultiplier = b.outputMultiplier;
        this.zeroInitReadout = b.zeroInitReadout;
        this.baseWidths = Collections.unmodifiableMap(new LinkedHashMap<>(b.baseWidths));
        this.attentionMultiplier = b.attentionMultiplier;
        this.zeroInitQuery = b.zeroInitQuery;
        this.attentionScaling = b.attentionScaling;
        this.depthExponent = b.depthExponent;
        this.baseDepth = b.baseDepth;
        this.epsilonScaling = b.epsilonScaling;
    }

    /**
     * μP, mup's readout form, PyTorch's default init rescaled, annotation values as declared.
     *
     * @return the default options
     */
    public static MuOptions defaults() {
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
     * A builder holding these options, to change some of them.
     *
     * @return a new builder initialized from this object
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.parametrization = parametrization;
        b.readoutForm = readoutForm;
        b.initMode = initMode;
        b.outputMultiplier = outputMultiplier;
        b.zeroInitReadout = zeroInitReadout;
        b.baseWidths.putAll(baseWidths);
        b.attentionMultiplier = attentionMultiplier;
        b.zeroInitQuery = zeroInitQuery;
        b.attentionScaling = attentionScaling;
        b.depthExponent = depthExponent;
        b.baseDepth = baseDepth;
        b.epsilonScaling = epsilonScaling;
        return b;
    }

    /**
     * μP or the standard parametrization.
     *
     * @return the parametrization
     */
    public Parametrization parametrization() {
        return parametrization;
    }

    /**
     * Where the readout's width factor goes.
     *
     * @return the readout form
     */
    public ReadoutForm readoutForm() {
        return readoutForm;
    }

    /**
     * How weights are drawn.
     *
     * @return the init mode
     */
    public InitMode initMode() {
        return initMode;
    }

    /**
     * The output multiplier α_out for every readout, replacing the annotation's value when
     * present.
     *
     * @return the override, or empty to use {@code @MuOutput(multiplier)}
     */
    public OptionalDouble outputMultiplier() {
        return outputMultiplier;
    }

    /**
     * Whether to start every readout weight and bias at zero (mup's {@code MuReadout} does both,
     * so the first logits are zero and the first cross-entropy is {@code ln(classes)}),
     * replacing the annotation's value when present.
     *
     * @return the override, or empty to use {@code @MuOutput(zeroInit)}
     */
    public Optional<Boolean> zeroInitReadout() {
        return zeroInitReadout;
    }

    /**
     * Base values replacing those of {@code @Width(base)}, by width name: the width at which the
     * hyperparameters being transferred were tuned.
     *
     * @return base overrides by width name (empty: use the annotations)
     */
    public Map<String, Integer> baseWidths() {
        return baseWidths;
    }

    /**
     * α_attn of every {@link MuAttention}: logits are scaled by {@code α_attn / d_head}.
     *
     * @return the multiplier, or empty for {@code sqrt(d_head at base width)}, which makes the
     *     base model the standard one
     */
    public OptionalDouble attentionMultiplier() {
        return attentionMultiplier;
    }

    /**
     * Whether attention query projections (weight and bias) start at zero, which makes every
     * attention logit zero at initialization.
     *
     * @return {@code true} to zero-initialize query weights and biases
     */
    public boolean zeroInitQuery() {
        return zeroInitQuery;
    }

    /**
     * How attention logits scale with the head size: μP's {@code α_attn / d_head} (the default)
     * or the standard {@code 1/sqrt(d_head)}, which is not μP when the head size grows.
     *
     * @return the attention scaling
     */
    public AttentionScaling attentionScaling() {
        return attentionScaling;
    }

    /**
     * The depth exponent α of the α-parametrization (Dey et al. 2025, "Don't be lazy: CompleteP
     * enables compute-efficient deep transformers"): residual branches of the {@code @Depth}
     * blocks are multiplied by {@code m_L^(−α)}, their Adam learning rates by
     * {@code m_L^(α−1)}, with {@code m_L = depth / base depth}. 1 is CompleteP, ½ is depth-μP
     * (Yang et al. 2023, Bordelon et al. 2023), 0 turns depth scaling off.
     *
     * @return α in [0, 1]; 0 (off) by default, which leaves every model exactly as without it
     */
    public double depthExponent() {
        return depthExponent;
    }

    /**
     * Base depth replacing the one {@code @Depth(base)} declares: the number of blocks at which
     * the hyperparameters being transferred were tuned.
     *
     * @return the override, or empty to use the annotation
     */
    public OptionalInt baseDepth() {
        return baseDepth;
    }

    /**
     * How Adam's ε scales with width and depth.
     *
     * @return {@link EpsilonScaling#FIXED} by default
     */
    public EpsilonScaling epsilonScaling() {
        return epsilonScaling;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof MuOptions)) {
            return false;
        }
        MuOptions other = (MuOptions) o;
        return parametrization == other.parametrization
                && readoutForm == other.readoutForm
                && initMode.equals(other.initMode)
                && outputMultiplier.equals(other.outputMultiplier)
                && zeroInitReadout.equals(other.zeroInitReadout)
                && baseWidths.equals(other.baseWidths)
                && attentionMultiplier.equals(other.attentionMultiplier)
                && zeroInitQuery == other.zeroInitQuery
                && attentionScaling == other.attentionScaling
                && Double.compare(depthExponent, other.depthExponent) == 0
                && baseDepth.equals(other.baseDepth)
                && epsilonScaling == other.epsilonScaling;
    }

    @Override
    public int hashCode() {
        return Objects.hash(parametrization, readoutForm, initMode, outputMultiplier, zeroInitReadout, baseWidths,
                attentionMultiplier, zeroInitQuery, attentionScaling, depthExponent, baseDepth, epsilonScaling);
    }

    @Override
    public String toString() {
        return "MuOptions{parametrization="
                + parametrization
                + ", readoutForm="
                + readoutForm
                + ", initMode="
                + initMode
                + ", outputMultiplier="
                + (outputMultiplier.isPresent() ? outputMultiplier.getAsDouble() : "as annotated")
                + ", zeroInitReadout="
                + zeroInitReadout.map(String::valueOf).orElse("as annotated")
                + (baseWidths.isEmpty() ? "" : ", baseWidths=" + baseWidths)
                + (attentionMultiplier.isPresent() ? ", attentionMultiplier=" + attentionMultiplier.getAsDouble() : "")
                + (zeroInitQuery ? ", zeroInitQuery" : "")
                + (attentionScaling == AttentionScaling.INVERSE_HEAD_SIZE
                        ? "" : ", attentionScaling=" + attentionScaling)
                + (depthExponent != 0 ? ", depthExponent=" + depthExponent : "")
                + (baseDepth.isPresent() ? ", baseDepth=" + baseDepth.getAsInt() : "")
                + (epsilonScaling != EpsilonScaling.FIXED ? ", epsilonScaling=" + epsilonScaling : "")
                + "}";
    }

    /** Builds {@link MuOptions}. */
    public static final class Builder {
        private Parametrization parametrization = Parametrization.MUP;
        private ReadoutForm readoutForm = ReadoutForm.FORWARD_MULTIPLIER;
        private InitMode initMode = InitMode.defaultInit();
        private OptionalDouble outputMultiplier = OptionalDouble.empty();
        private Optional<Boolean> zeroInitReadout = Optional.empty();
        private final Map<String, Integer> baseWidths = new LinkedHashMap<>();
        private OptionalDouble attentionMultiplier = OptionalDouble.empty();
        private boolean zeroInitQuery;
        private AttentionScaling attentionScaling = AttentionScaling.INVERSE_HEAD_SIZE;
        private double depthExponent;
        private OptionalInt baseDepth = OptionalInt.empty();
        private EpsilonScaling epsilonScaling = EpsilonScaling.FIXED;

        private Builder() {}

        /**
         * Chooses how attention logits scale with the head size:
         * {@link AttentionScaling#INVERSE_HEAD_SIZE} ({@code α_attn / d_head}, μP, the default)
         * or {@link AttentionScaling#INVERSE_SQRT_HEAD_SIZE} ({@code 1/sqrt(d_head)} by default,
         * the standard scale, which is <b>not μP</b> when {@code d_head} grows with width). Under
         * SP the scale is {@code 1/sqrt(d_head)} either way.
         *
         * @param scaling the scaling
         * @return this builder
         */
        public Builder attentionScaling(AttentionScaling scaling) {
            this.attentionScaling = Objects.requireNonNull(scaling, "scaling");
            return this;
        }

        /**
         * Sets the depth exponent α: 1 for CompleteP, ½ for depth-μP, 0 (default) for no depth
         * scaling. A model built with α ≠ 0 must declare its blocks with {@code @Depth} and add
         * their branches through a {@link MuResidual}.
         *
         * @param alpha α in [0, 1]
         * @return this builder
         * @throws IllegalArgumentException if α is outside [0, 1]
         */
        public Builder depthExponent(double alpha) {
            if (!(alpha >= 0 && alpha <= 1)) {
                throw new IllegalArgumentException(
                        "depthExponent must be in [0, 1] (1 = CompleteP, 0.5 = depth-μP, 0 = off), got " + alpha);
            }
            this.depthExponent = alpha;
            return this;
        }

        /**
         * Replaces the base depth that {@code @Depth(base)} declares.
         *
         * @param base the number of blocks at which hyperparameters were tuned; positive
         * @return this builder
         * @throws IllegalArgumentException if {@code base} is not positive
         */
        public Builder baseDepth(int base) {
            if (base <= 0) {
                throw new IllegalArgumentException("baseDepth must be positive, got " + base);
            }
            this.baseDepth = OptionalInt.of(base);
            return this;
        }

        /**
         * Sets how Adam's ε scales with width and depth.
         *
         * @param scaling {@link EpsilonScaling#FIXED} by default
         * @return this builder
         */
        public Builder epsilonScaling(EpsilonScaling scaling) {
            this.epsilonScaling = Objects.requireNonNull(scaling, "scaling");
            return this;
        }

        /**
         * Sets α_attn: attention logits are scaled by {@code α_attn / d_head} under μP.
         *
         * @param multiplier α_attn; positive and finite
         * @return this builder
         * @throws IllegalArgumentException if {@code multiplier} is not positive and finite
         */
        public Builder attentionMultiplier(double multiplier) {
            if (!(multiplier > 0) || Double.isInfinite(multiplier)) {
                throw new IllegalArgumentException(
                        "attentionMultiplier must be positive and finite, got " + multiplier);
            }
            this.attentionMultiplier = OptionalDouble.of(multiplier);
            return this;
        }

        /**
         * Starts attention query weights and biases at zero.
         *
         * @param zeroInit {@code true} to zero-initialize query weights and biases
         * @return this builder
         */
        public Builder zeroInitQuery(boolean zeroInit) {
            this.zeroInitQuery = zeroInit;
            return this;
        }

        /**
         * Sets μP (default) or the standard parametrization.
         *
         * @param parametrization the parametrization
         * @return this builder
         */
        public Builder parametrization(Parametrization parametrization) {
            this.parametrization = Objects.requireNonNull(parametrization, "parametrization");
            return this;
        }

        /**
         * Sets where the readout's width factor goes.
         *
         * @param readoutForm the form; {@link ReadoutForm#FORWARD_MULTIPLIER} by default
         * @return this builder
         */
        public Builder readoutForm(ReadoutForm readoutForm) {
            this.readoutForm = Objects.requireNonNull(readoutForm, "readoutForm");
            return this;
        }

        /**
         * Sets how weights are drawn.
         *
         * @param initMode the mode; {@link InitMode#defaultInit()} by default
         * @return this builder
         */
        public Builder initMode(InitMode initMode) {
            this.initMode = Objects.requireNonNull(initMode, "initMode");
            return this;
        }

        /**
         * Overrides every readout's output multiplier α_out.
         *
         * @param multiplier α_out; positive and finite
         * @return this builder
         * @throws IllegalArgumentException if {@code multiplier} is not positive and finite
         */
        public Builder outputMultiplier(double multiplier) {
            if (!(multiplier > 0) || Double.isInfinite(multiplier)) {
                throw new IllegalArgumentException(
                        "outputMultiplier must be positive and finite, got " + multiplier);
            }
            this.outputMultiplier = OptionalDouble.of(multiplier);
            return this;
        }

        /**
         * Overrides whether readout weights and biases start at zero.
         *
         * @param zeroInit {@code true} to start them (weight and bias) at zero
         * @return this builder
         */
        public Builder zeroInitReadout(boolean zeroInit) {
            this.zeroInitReadout = Optional.of(zeroInit);
            return this;
        }

        /**
         * Replaces the base value that {@code @Width(base)} declares for one width.
         *
         * @param width the name of the {@code @Width} field
         * @param base the base value; positive
         * @return this builder
         * @throws IllegalArgumentException if {@code base} is not positive
         */
        public Builder baseWidth(String width, int base) {
            Objects.requireNonNull(width, "width");
            if (base <= 0) {
                throw new IllegalArgumentException(
                        "base of width '" + width + "' must be positive, got " + base);
            }
            baseWidths.put(width, base);
            return this;
        }

        /**
         * Builds the options.
         *
         * @return the immutable options
         */
        public MuOptions build() {
            return new MuOptions(this);
        }
    }
}
