package dev.mup.runtime;

import java.util.Locale;
import java.util.Objects;

/**
 * How weights are drawn at initialization, in their standard-parametrization meaning at base
 * width. {@link MuRule} turns a mode into a width-dependent std the way mup's initializers do:
 * fans are taken at base width and hidden weights are divided by {@code sqrt(m_in)}.
 *
 * <p>The mode applies to weights and embeddings. Biases keep PyTorch's default {@code Linear}
 * bias init, μP-rescaled; norm gains start at one and norm biases at zero.
 *
 * <p>Text form (the command line's {@code --init}): {@code default}, {@code normal:STD},
 * {@code uniform:BOUND}, {@code trunc-normal:STD}, {@code xavier-normal[:GAIN]},
 * {@code xavier-uniform[:GAIN]}, {@code kaiming-normal-fan-in[:GAIN]},
 * {@code kaiming-normal-fan-out[:GAIN]}, {@code kaiming-uniform-fan-in[:GAIN]},
 * {@code kaiming-uniform-fan-out[:GAIN]}. Kaiming's gain defaults to ReLU's, {@code sqrt(2)}.
 */
public final class InitMode {

    /** The family of distribution and how its scale is chosen. */
    public enum Kind {
        /** PyTorch's default {@code Linear} init, {@code U(±1/sqrt(fan_in))}, then mup's rescale. */
        DEFAULT(Distribution.UNIFORM),
        /** {@code N(0, std²)}. */
        NORMAL(Distribution.NORMAL),
        /** {@code U(-bound, bound)}. */
        UNIFORM(Distribution.UNIFORM),
        /** {@code N(0, std²)} truncated to two standard deviations. */
        TRUNCATED_NORMAL(Distribution.TRUNCATED_NORMAL),
        /** Glorot: std {@code gain · sqrt(2 / (fan_in + fan_out))}, normal. */
        XAVIER_NORMAL(Distribution.NORMAL),
        /** Glorot: std {@code gain · sqrt(2 / (fan_in + fan_out))}, uniform. */
        XAVIER_UNIFORM(Distribution.UNIFORM),
        /** He: std {@code gain / sqrt(fan)}, normal. */
        KAIMING_NORMAL(Distribution.NORMAL),
        /** He: std {@code gain / sqrt(fan)}, uniform. */
        KAIMING_UNIFORM(Distribution.UNIFORM);

        private final Distribution distribution;

        Kind(Distribution distribution) {
            this.distribution = distribution;
        }

        /**
         * The distribution values are drawn from.
         *
         * @return the distribution of this kind
         */
        public Distribution distribution() {
            return distribution;
        }
    }

    /** The shape of the distribution; its scale comes from {@link MuRule#initSpec}. */
    public enum Distribution {
        /** Every value the same (norm gains start at one, norm biases and zero-init weights at zero). */
        CONSTANT,
        /** Uniform on {@code ±sqrt(3)·std}. */
        UNIFORM,
        /** Normal. */
        NORMAL,
        /** Normal truncated (and redrawn) beyond two standard deviations. */
        TRUNCATED_NORMAL
    }

    /** Which fan Kaiming's formula divides by. */
    public enum Fan {
        /** Preserves the variance of activations in the forward pass. */
        FAN_IN,
        /** Preserves the variance of gradients in the backward pass. */
        FAN_OUT
    }

    private static final double RELU_GAIN = Math.sqrt(2.0);
    private static final InitMode DEFAULT = new InitMode(Kind.DEFAULT, Double.NaN, Fan.FAN_IN);

    private final Kind kind;
    private final double scale;
    private final Fan fan;

    private InitMode(Kind kind, double scale, Fan fan) {
        this.kind = kind;
        this.scale = scale;
        this.fan = fan;
    }

    /**
     * PyTorch's default {@code Linear} init followed by mup's rescale.
     *
     * @return the default mode
     */
    public static InitMode defaultInit() {
        return DEFAULT;
    }

    /**
     * Normal with the given std at base width.
     *
     * @param std the standard deviation at base width; positive
     * @return the mode
     */
    public static InitMode normal(double std) {
        return new InitMode(Kind.NORMAL, positive(std, "std"), Fan.FAN_IN);
    }

    /**
     * Uniform on {@code ±bound} at base width.
     *
     * @param bound the half-width of the interval at base width; positive
     * @return the mode
     */
    public static InitMode uniform(double bound) {
        return new InitMode(Kind.UNIFORM, positive(bound, "bound"), Fan.FAN_IN);
    }

    /**
     * Normal truncated at two standard deviations, with the given std at base width.
     *
     * @param std the std of the untruncated normal at base width; positive
     * @return the mode
     */
    public static InitMode truncatedNormal(double std) {
        return new InitMode(Kind.TRUNCATED_NORMAL, positive(std, "std"), Fan.FAN_IN);
    }

    /**
     * Xavier (Glorot) normal.
     *
     * @param gain the gain; positive
     * @return the mode
     */
    public static InitMode xavierNormal(double gain) {
        return new InitMode(Kind.XAVIER_NORMAL, positive(gain, "gain"), Fan.FAN_IN);
    }

    /**
     * Xavier (Glorot) uniform.
     *
     * @param gain the gain; positive
     * @return the mode
     */
    public static InitMode xavierUniform(double gain) {
        return new InitMode(Kind.XAVIER_UNIFORM, positive(gain, "gain"), Fan.FAN_IN);
    }

    /**
     * Kaiming (He) normal.
     *
     * @param fan which fan to divide by
     * @param gain the gain ({@code sqrt(2)} for ReLU); positive
     * @return the mode
     */
    public static InitMode kaimingNormal(Fan fan, double gain) {
        return new InitMode(Kind.KAIMING_NORMAL, positive(gain, "gain"), Objects.requireNonNull(fan));
    }

    /**
     * Kaiming (He) uniform.
     *
     * @param fan which fan to divide by
     * @param gain the gain ({@code sqrt(2)} for ReLU); positive
     * @return the mode
     */
    public static InitMode kaimingUniform(Fan fan, double gain) {
        return new InitMode(Kind.KAIMING_UNIFORM, positive(gain, "gain"), Objects.requireNonNull(fan));
    }

    /**
     * Parses the text form described in the class documentation.
     *
     * @param text for example {@code normal:0.1} or {@code kaiming-normal-fan-in}
     * @return the mode
     * @throws IllegalArgumentException naming the accepted forms when {@code text} is not one
     */
    public static InitMode parse(String text) {
        Objects.requireNonNull(text, "init mode");
        String t = text.trim().toLowerCase(Locale.ROOT);
        int colon = t.indexOf(':');
        String name = colon < 0 ? t : t.substring(0, colon);
        String arg = colon < 0 ? null : t.substring(colon + 1);
        try {
            switch (name) {
                case "default":
                    noArgument(name, arg);
                    return DEFAULT;
                case "normal":
                    return normal(required(name, arg));
                case "uniform":
                    return uniform(required(name, arg));
                case "trunc-normal":
                    return truncatedNormal(required(name, arg));
                case "xavier-normal":
                    return xavierNormal(optional(arg, 1.0));
                case "xavier-uniform":
                    return xavierUniform(optional(arg, 1.0));
                case "kaiming-normal-fan-in":
                    return kaimingNormal(Fan.FAN_IN, optional(arg, RELU_GAIN));
                case "kaiming-normal-fan-out":
                    return kaimingNormal(Fan.FAN_OUT, optional(arg, RELU_GAIN));
                case "kaiming-uniform-fan-in":
                    return kaimingUniform(Fan.FAN_IN, optional(arg, RELU_GAIN));
                case "kaiming-uniform-fan-out":
                    return kaimingUniform(Fan.FAN_OUT, optional(arg, RELU_GAIN));
                default:
                    throw new IllegalArgumentException("unknown init mode");
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "Invalid init mode '"
                            + text
                            + "' ("
                            + e.getMessage()
                            + "). Use one of: default, normal:STD, uniform:BOUND, trunc-normal:STD,"
                            + " xavier-normal[:GAIN], xavier-uniform[:GAIN],"
                            + " kaiming-normal-fan-in[:GAIN], kaiming-normal-fan-out[:GAIN],"
                            + " kaiming-uniform-fan-in[:GAIN], kaiming-uniform-fan-out[:GAIN]",
                    e);
        }
    }

    private static void noArgument(String name, String arg) {
        if (arg != null) {
            throw new IllegalArgumentException(name + " takes no value");
        }
    }

    private static double required(String name, String arg) {
        if (arg == null || arg.isEmpty()) {
            throw new IllegalArgumentException(name + " needs a value, as in " + name + ":0.02");
        }
        return number(arg);
    }

    private static double optional(String arg, double fallback) {
        return arg == null ? fallback : number(arg);
    }

    private static double number(String arg) {
        try {
            return Double.parseDouble(arg);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + arg + "' is not a number", e);
        }
    }

    private static double positive(double value, String what) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(what + " must be a positive finite number, got " + value);
        }
        return value;
    }

    /**
     * The kind of initializer.
     *
     * @return the kind
     */
    public Kind kind() {
        return kind;
    }

    /**
     * The std (normal kinds), bound (uniform) or gain (Xavier, Kaiming); NaN for the default.
     *
     * @return the scale argument of this mode
     */
    public double scale() {
        return scale;
    }

    /**
     * The fan Kaiming's formula divides by; {@link Fan#FAN_IN} for the other kinds.
     *
     * @return the fan
     */
    public Fan fan() {
        return fan;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof InitMode)) {
            return false;
        }
        InitMode other = (InitMode) o;
        return kind == other.kind
                && Double.compare(scale, other.scale) == 0
                && fan == other.fan;
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, scale, fan);
    }

    @Override
    public String toString() {
        String name = kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
        if (kind == Kind.DEFAULT) {
            return name;
        }
        if (kind == Kind.KAIMING_NORMAL || kind == Kind.KAIMING_UNIFORM) {
            name += fan == Fan.FAN_IN ? "-fan-in" : "-fan-out";
        }
        if (kind == Kind.TRUNCATED_NORMAL) {
            name = "trunc-normal";
        }
        return name + ":" + scale;
    }
}
