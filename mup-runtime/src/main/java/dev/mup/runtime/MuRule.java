package dev.mup.runtime;

import java.util.Objects;

/**
 * The μP rule: the one place that decides how much every width-dependent quantity is scaled.
 * Generated models, initializers, the readout block and the optimizers all ask this class;
 * nothing else computes a width multiplier, an init std, a forward multiplier or a learning-rate
 * or weight-decay factor.
 *
 * <p>With {@code m_in}, {@code m_out} the width multipliers of a parameter's fan_in and fan_out
 * (1 when finite), σ the init scale at base width, α_out the output multiplier:
 *
 * <table>
 *   <caption>μP in mup's form (readout multiplier in the forward pass)</caption>
 *   <tr><th>class</th><th>init std</th><th>forward</th><th>Adam lr</th><th>SGD lr</th></tr>
 *   <tr><td>input-like</td><td>σ</td><td>1</td><td>η</td><td>η·m_out</td></tr>
 *   <tr><td>hidden</td><td>σ/√m_in</td><td>1</td><td>η/m_in</td><td>η·m_out/m_in</td></tr>
 *   <tr><td>output-like</td><td>σ</td><td>α_out/m_in on the input</td><td>η</td><td>η·m_in</td></tr>
 *   <tr><td>fixed</td><td>σ</td><td>1</td><td>η</td><td>η</td></tr>
 * </table>
 *
 * <p>Weight decay follows mup: coupled (L2) decay is rescaled inversely to the learning rate
 * under SGD and multiplied by {@code m_in} for hidden weights under Adam; decoupled and
 * independent decay are left unscaled. In the {@link ReadoutForm#NO_FORWARD_MULTIPLIER} form the
 * readout weight is reparametrized with {@code θ = m_in} (Tensor Programs V, Table 3): forward
 * ×θ, init ÷θ, Adam lr ÷θ, SGD lr ÷θ², and weight decay adjusted so that the applied decay is
 * unchanged. Under {@link Parametrization#SP} every width multiplier is taken as 1.
 *
 * <p><b>Depth</b> (the α-parametrization of Dey et al. 2025, "Don't be lazy: CompleteP enables
 * compute-efficient deep transformers", Table 1; α = {@link MuOptions#depthExponent()}, 0 = off,
 * {@code m_L = depth / base depth} of the model's {@code @Depth} blocks). With α ≠ 0:
 * every residual branch of those blocks is multiplied by {@code m_L^(−α)}
 * ({@link #residualMultiplier}); the Adam learning rate of every parameter of those blocks by
 * {@code m_L^(α−1)} (so block matrices get {@code η · m_N⁻¹ · m_L^(α−1)}, block norms and biases
 * {@code η · m_L^(α−1)}), the SGD learning rate by {@code m_L^(2α−1)} (Yang et al. 2023, Depth-μP:
 * constant at α = ½); no {@code 1/√(2L)} init factor (init is width-only); embeddings, the final
 * norm and the readout are untouched. Adam's ε follows {@link EpsilonScaling}
 * ({@link #epsilonMultiplier}); {@link WeightDecayMode#DECOUPLED_SCALED} gives hidden matrices
 * the decoupled decay {@code λ · m_N}.
 *
 * <p>Instances are immutable and cheap; the optimizers evaluate the rule once per parameter when
 * they are built, never per step.
 */
public final class MuRule {

    private final MuOptions options;

    /**
     * A rule for the given options.
     *
     * @param options parametrization, readout form and init mode
     */
    public MuRule(MuOptions options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    /**
     * The options this rule applies.
     *
     * @return the options
     */
    public MuOptions options() {
        return options;
    }

    /**
     * The width multiplier {@code width / base}.
     *
     * @param width the current width; positive
     * @param base the base width; positive
     * @return {@code width / base}
     * @throws IllegalArgumentException if either is not positive
     */
    public static double widthMultiplier(int width, int base) {
        if (width <= 0) {
            throw new IllegalArgumentException("width must be positive, got " + width);
        }
        if (base <= 0) {
            throw new IllegalArgumentException("base width must be positive, got " + base);
        }
        return (double) width / base;
    }

    /**
     * The depth multiplier {@code depth / base}.
     *
     * @param depth the number of blocks; positive
     * @param base the base number of blocks; positive
     * @return {@code depth / base}
     * @throws IllegalArgumentException if either is not positive
     */
    public static double depthMultiplier(int depth, int base) {
        if (depth <= 0) {
            throw new IllegalArgumentException("depth must be positive, got " + depth);
        }
        if (base <= 0) {
            throw new IllegalArgumentException("base depth must be positive, got " + base);
        }
        return (double) depth / base;
    }

    /**
     * Whether depth scaling is on: a non-zero {@link MuOptions#depthExponent()}.
     *
     * @return {@code true} when α ≠ 0
     */
    public boolean depthScaling() {
        return options.depthExponent() != 0;
    }

    /**
     * The multiplier of every residual branch of the repeated blocks:
     * {@code x + m_L^(−α) · branch(x)} (Dey et al. 2025).
     *
     * @param depthMultiplier {@code m_L = depth / base depth}
     * @return {@code m_L^(−α)}; exactly 1 when depth scaling is off
     */
    public double residualMultiplier(double depthMultiplier) {
        if (!depthScaling()) {
            return 1.0;
        }
        return Math.pow(depthMultiplier, -options.depthExponent());
    }

    /**
     * The size a dimension has at base width.
     *
     * @param size its size in this model
     * @param multiplier the width multiplier it scales with (1 when it does not scale)
     * @return {@code size / multiplier}, which must be a whole number for a consistent base
     */
    public static double baseSize(long size, double multiplier) {
        return size / multiplier;
    }

    /**
     * Classifies a parameter of a layer. A weight is classified by both of its layer's fans;
     * biases, norm parameters and embeddings have only a fan_out.
     *
     * @param kind what the parameter is in its layer
     * @param layerFanInIsWidth whether the layer's fan_in is a width
     * @param layerFanOutIsWidth whether the layer's fan_out is a width
     * @return the parameter's class
     */
    public static ParameterClass classify(
            ParameterKind kind, boolean layerFanInIsWidth, boolean layerFanOutIsWidth) {
        boolean ownFanIn = kind == ParameterKind.WEIGHT && layerFanInIsWidth;
        return ParameterClass.of(ownFanIn, layerFanOutIsWidth);
    }

    /**
     * Everything the rule decides for one parameter.
     *
     * @param p the parameter
     * @param rule the optimizer family the learning rates are for
     * @param decay how weight decay is applied
     * @return init std, forward multiplier, lr and weight-decay multipliers; for a parameter
     *     kept unscaled on purpose ({@link ParameterClass#UNSCALED}) init std NaN (its layer's own
     *     initializer) and multipliers 1, as in the standard parametrization
     */
    public ParameterScaling scaling(MuParameter p, UpdateRule rule, WeightDecayMode decay) {
        if (p.parameterClass() == ParameterClass.UNSCALED) {
            // Kept in SP on purpose: the layer's own initializer (no std of μP's), multipliers 1.
            return new ParameterScaling(Double.NaN, 1.0, 1.0, 1.0);
        }
        return new ParameterScaling(
                initSpec(p).std(),
                forwardMultiplier(p),
                lrMultiplier(p, rule),
                weightDecayMultiplier(p, rule, decay),
                epsilonMultiplier(p, rule));
    }

    /**
     * Everything the rule decides for one parameter, with weight decay only on the chosen
     * parameters.
     *
     * @param p the parameter
     * @param rule the optimizer family the learning rates are for
     * @param decay how weight decay is applied
     * @param targets which parameters decay; the others get weight-decay multiplier 0
     * @return init std, forward multiplier, lr and weight-decay multipliers
     */
    public ParameterScaling scaling(MuParameter p, UpdateRule rule, WeightDecayMode decay, DecayTargets targets) {
        ParameterScaling s = scaling(p, rule, decay);
        return targets.decays(p) ? s : s.withoutWeightDecay();
    }

    /**
     * The parameter's weight decay relative to the global one, 0 when it is not a target.
     *
     * @param p the parameter
     * @param rule the optimizer family
     * @param decay how weight decay is applied
     * @param targets which parameters decay
     * @return the weight-decay multiplier
     */
    public double weightDecayMultiplier(
            MuParameter p, UpdateRule rule, WeightDecayMode decay, DecayTargets targets) {
        return targets.decays(p) ? weightDecayMultiplier(p, rule, decay) : 0.0;
    }

    /**
     * How the parameter is drawn at initialization.
     *
     * @param p the parameter
     * @return distribution and std, or a constant
     */
    public InitSpec initSpec(MuParameter p) {
        switch (p.kind()) {
            case NORM_GAIN:
                return InitSpec.constant(1.0);
            case NORM_BIAS:
                return InitSpec.constant(0.0);
            case BIAS:
                if (p.zeroInit()) {
                    // a zero-init readout or query zeroes its bias too, as mup's MuReadout does
                    return InitSpec.constant(0.0);
                }
                // PyTorch's default bias init U(±1/sqrt(fan_in)); mup rescales it by sqrt(m_in)
                // of its layer, which makes it constant in width.
                return InitSpec.random(
                        InitMode.Distribution.UNIFORM,
                        pytorchDefaultStd(p.fanIn()) * Math.sqrt(mIn(p)));
            default:
                break;
        }
        if (p.zeroInit()) {
            return InitSpec.constant(0.0);
        }
        InitMode mode = options.initMode();
        if (mode.kind() == InitMode.Kind.DEFAULT) {
            if (p.kind() == ParameterKind.EMBEDDING) {
                // PyTorch's nn.Embedding draws N(0, 1); it is input-like, so μP keeps it.
                return InitSpec.random(InitMode.Distribution.NORMAL, 1.0);
            }
            // PyTorch's default Linear init has std 1/sqrt(3·fan_in): already μP for hidden and
            // input weights; mup multiplies the readout weight by sqrt(m_in).
            double std = pytorchDefaultStd(p.fanIn());
            if (p.parameterClass() == ParameterClass.OUTPUT_LIKE) {
                std *= Math.sqrt(mIn(p));
            }
            return InitSpec.random(InitMode.Distribution.UNIFORM, std / readoutTheta(p));
        }
        double baseFanIn = baseSize(p.fanIn(), mIn(p));
        double baseFanOut = baseSize(p.fanOut(), mOut(p));
        double std = standardStd(mode, baseFanIn, baseFanOut);
        if (p.parameterClass() == ParameterClass.HIDDEN) {
            std /= Math.sqrt(mIn(p));
        }
        return InitSpec.random(mode.kind().distribution(), std / readoutTheta(p));
    }

    /**
     * The factor applied in the forward pass: for a readout weight, the factor on the readout's
     * input ({@code α_out / m_in} in mup's form, {@code α_out} in the form without forward
     * multipliers); 1 for every other parameter.
     *
     * @param p the parameter
     * @return the forward multiplier
     */
    public double forwardMultiplier(MuParameter p) {
        if (!isReadoutWeight(p)) {
            return 1.0;
        }
        return readoutInputMultiplier(p.outputMultiplier(), p.fanInMultiplier());
    }

    /**
     * The factor a readout block applies to its input.
     *
     * @param outputMultiplier α_out
     * @param fanInMultiplier the width multiplier of the readout's fan_in
     * @return {@code α_out / m_in} in mup's form, {@code α_out} otherwise or under SP
     */
    public double readoutInputMultiplier(double outputMultiplier, double fanInMultiplier) {
        if (options.parametrization() == Parametrization.SP
                || options.readoutForm() == ReadoutForm.NO_FORWARD_MULTIPLIER) {
            return outputMultiplier;
        }
        return outputMultiplier / fanInMultiplier;
    }

    /**
     * The factor on attention logits {@code q·kᵀ}: {@code α_attn / d_head} under μP, where
     * {@code α_attn} defaults to {@code sqrt(d_head at base width)} so that the base model is the
     * standard one; {@code 1 / sqrt(d_head)} under SP. With
     * {@link AttentionScaling#INVERSE_SQRT_HEAD_SIZE} chosen in the options, μP models get
     * {@code α_attn / sqrt(d_head · d_head,base)} instead ({@code 1/sqrt(d_head)} with the default
     * α_attn), which is not μP when the head size grows.
     *
     * <p>This is the scale {@link MuAttention} gets; an attention block of the user's own asks for
     * it through {@link MuParametrization#attentionLogitScale(int, String)}.
     *
     * @param headSize {@code d_head} of this model
     * @param headSizeMultiplier how many times larger {@code d_head} is than at base width (1 when
     *     the number of heads grows instead)
     * @return the logit scale
     */
    public double attentionLogitScale(int headSize, double headSizeMultiplier) {
        if (options.parametrization() == Parametrization.SP) {
            return 1.0 / Math.sqrt(headSize);
        }
        double baseHeadSize = baseSize(headSize, headSizeMultiplier);
        double alpha = options.attentionMultiplier().orElse(Math.sqrt(baseHeadSize));
        if (options.attentionScaling() == AttentionScaling.INVERSE_SQRT_HEAD_SIZE) {
            return alpha / Math.sqrt(headSize * baseHeadSize);
        }
        return alpha / headSize;
    }

    /**
     * The parameter's learning rate relative to the global one.
     *
     * @param p the parameter
     * @param rule the optimizer family
     * @return the learning-rate multiplier
     */
    public double lrMultiplier(MuParameter p, UpdateRule rule) {
        double theta = readoutTheta(p);
        if (rule == UpdateRule.ADAM) {
            double lr = p.parameterClass() == ParameterClass.HIDDEN ? 1.0 / mIn(p) : 1.0;
            return lr / theta * depthLrFactor(p, rule);
        }
        return sgdLr(p) / (theta * theta) * depthLrFactor(p, rule);
    }

    /**
     * The depth factor of a parameter's learning rate: {@code m_L^(α−1)} for Adam,
     * {@code m_L^(2α−1)} for SGD, on parameters of the repeated residual blocks; 1 elsewhere and
     * when depth scaling is off.
     *
     * @param p the parameter
     * @param rule the optimizer family
     * @return the factor
     */
    public double depthLrFactor(MuParameter p, UpdateRule rule) {
        if (!depthScaling() || !p.residualBlock()) {
            return 1.0;
        }
        double alpha = options.depthExponent();
        double exponent = rule == UpdateRule.ADAM ? alpha - 1 : 2 * alpha - 1;
        return Math.pow(p.depthMultiplier(), exponent);
    }

    /**
     * The parameter's Adam ε relative to the global one, by {@link MuOptions#epsilonScaling()}:
     * <ul>
     *   <li>{@link EpsilonScaling#FIXED}: 1;
     *   <li>{@link EpsilonScaling#HIDDEN}: with depth scaling on, {@code m_N⁻¹ · m_L^(−α)} for
     *       parameters of the repeated residual blocks; {@code 1 / m_in} for other hidden
     *       matrices (all of them when depth scaling is off); 1 elsewhere;
     *   <li>{@link EpsilonScaling#GLOBAL}: {@code m_N⁻¹ · m_L^(−α)} for every parameter.
     * </ul>
     * {@code m_N} is the width multiplier of the parameter's width dimension: {@code m_in} for a
     * weight whose fan_in is a width, else {@code m_out} (biases, norms, embeddings; 1 for a
     * parameter with no width). The depth factor is 1 when depth scaling is off, and the width
     * factor 1 under {@link Parametrization#SP}.
     *
     * @param p the parameter
     * @param rule the optimizer family; ε multipliers are 1 for SGD, which has no ε
     * @return the ε multiplier
     */
    public double epsilonMultiplier(MuParameter p, UpdateRule rule) {
        if (rule != UpdateRule.ADAM) {
            return 1.0;
        }
        double depth = depthScaling() ? Math.pow(p.depthMultiplier(), -options.depthExponent()) : 1.0;
        switch (options.epsilonScaling()) {
            case HIDDEN:
                if (p.residualBlock() && depthScaling()) {
                    return depth / widthOf(p);
                }
                return p.parameterClass() == ParameterClass.HIDDEN ? 1.0 / mIn(p) : 1.0;
            case GLOBAL:
                return depth / widthOf(p);
            case FIXED:
            default:
                return 1.0;
        }
    }

    /** m_N of a parameter: m_in when its own fan_in is a width, else m_out. */
    private double widthOf(MuParameter p) {
        switch (p.parameterClass()) {
            case HIDDEN:
            case OUTPUT_LIKE:
                return mIn(p);
            case INPUT_LIKE:
                return mOut(p);
            case FIXED:
            default:
                return 1.0;
        }
    }

    /**
     * The parameter's weight decay relative to the global one.
     *
     * @param p the parameter
     * @param rule the optimizer family
     * @param decay how weight decay is applied
     * @return the weight-decay multiplier
     */
    public double weightDecayMultiplier(MuParameter p, UpdateRule rule, WeightDecayMode decay) {
        double theta = readoutTheta(p);
        switch (decay) {
            case INDEPENDENT:
                return 1.0;
            case DECOUPLED_SCALED:
                // the inverse of the width part of the learning rate, so that lr·wd is η·λ at every
                // width; the depth factor of the learning rate is left alone, as in CompleteP
                if (rule == UpdateRule.ADAM) {
                    return (p.parameterClass() == ParameterClass.HIDDEN ? mIn(p) : 1.0) * theta;
                }
                return theta * theta / sgdLr(p);
            case DECOUPLED:
                // the applied decay lr·wd must not change when the readout's lr is divided by θ
                // (Adam) or θ² (SGD)
                return rule == UpdateRule.ADAM ? theta : theta * theta;
            case COUPLED:
            default:
                double wd;
                if (rule == UpdateRule.ADAM) {
                    wd = p.parameterClass() == ParameterClass.HIDDEN ? mIn(p) : 1.0;
                } else {
                    wd = 1.0 / sgdLr(p);
                }
                return wd * theta * theta;
        }
    }

    private double sgdLr(MuParameter p) {
        switch (p.parameterClass()) {
            case INPUT_LIKE:
                return mOut(p);
            case HIDDEN:
                return mOut(p) / mIn(p);
            case OUTPUT_LIKE:
                return mIn(p);
            case FIXED:
            default:
                return 1.0;
        }
    }

    private static double standardStd(InitMode mode, double fanIn, double fanOut) {
        switch (mode.kind()) {
            case NORMAL:
            case TRUNCATED_NORMAL:
                return mode.scale();
            case UNIFORM:
                return mode.scale() / Math.sqrt(3.0);
            case XAVIER_NORMAL:
            case XAVIER_UNIFORM:
                return mode.scale() * Math.sqrt(2.0 / (fanIn + fanOut));
            case KAIMING_NORMAL:
            case KAIMING_UNIFORM:
                double fan = mode.fan() == InitMode.Fan.FAN_IN ? fanIn : fanOut;
                return mode.scale() / Math.sqrt(fan);
            default:
                throw new IllegalStateException("unhandled init mode " + mode);
        }
    }

    private static double pytorchDefaultStd(long fanIn) {
        return 1.0 / Math.sqrt(3.0 * fanIn);
    }

    /** θ of the Table 3 reparametrization: m_in for a readout weight in that form, else 1. */
    private double readoutTheta(MuParameter p) {
        if (options.readoutForm() == ReadoutForm.NO_FORWARD_MULTIPLIER && isReadoutWeight(p)) {
            return mIn(p);
        }
        return 1.0;
    }

    private static boolean isReadoutWeight(MuParameter p) {
        return p.parameterClass() == ParameterClass.OUTPUT_LIKE && p.kind() == ParameterKind.WEIGHT;
    }

    private double mIn(MuParameter p) {
        return options.parametrization() == Parametrization.SP ? 1.0 : p.fanInMultiplier();
    }

    private double mOut(MuParameter p) {
        return options.parametrization() == Parametrization.SP ? 1.0 : p.fanOutMultiplier();
    }
}
