package dev.mup.runtime;

/**
 * What μP needs to know about a parameter: which of its dimensions grow with the model.
 *
 * <p>{@code fan_out} is the first dimension of a DJL/PyTorch {@code Linear} weight
 * {@code (out, in)}, {@code fan_in} the second. Biases, norm gains and embeddings have only a
 * {@code fan_out}.
 */
public enum ParameterClass {
    /**
     * Only {@code fan_out} is a width: the first layer's weight, input and position embeddings,
     * and every bias or norm gain/bias of width size (mup: vector-like, one infinite dimension).
     */
    INPUT_LIKE("InputLike"),
    /**
     * Both {@code fan_in} and {@code fan_out} are widths: width → width layers, attention
     * projections (mup: matrix-like, two infinite dimensions).
     */
    HIDDEN("Hidden"),
    /**
     * Only {@code fan_in} is a width: the readout weight (mup: vector-like, one infinite
     * dimension).
     */
    OUTPUT_LIKE("OutputLike"),
    /** No width dimension: the readout bias over the classes or vocabulary. */
    FIXED("Fixed"),
    /**
     * Kept in the standard parametrization on purpose ({@code @MuUnscaled}, {@link
     * MuModelBuilder#unscaled(String, ai.djl.nn.Block)}): μP leaves its initializer as it is
     * (init std reported as NaN) and gives it learning-rate and weight-decay multipliers 1.
     * Never the result of {@link #of}.
     */
    UNSCALED("Unscaled");

    private final String displayName;

    ParameterClass(String displayName) {
        this.displayName = displayName;
    }

    /**
     * Classifies a parameter by which of its dimensions are widths.
     *
     * @param fanInIsWidth whether {@code fan_in} grows with the model
     * @param fanOutIsWidth whether {@code fan_out} grows with the model
     * @return the class of the parameter
     */
    public static ParameterClass of(boolean fanInIsWidth, boolean fanOutIsWidth) {
        if (fanInIsWidth) {
            return fanOutIsWidth ? HIDDEN : OUTPUT_LIKE;
        }
        return fanOutIsWidth ? INPUT_LIKE : FIXED;
    }

    /**
     * The name used in tables and JSON ({@code InputLike}, {@code Hidden}, {@code OutputLike},
     * {@code Fixed}).
     *
     * @return the display name
     */
    public String displayName() {
        return displayName;
    }

    @Override
    public String toString() {
        return displayName;
    }
}
