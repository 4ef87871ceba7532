package dev.mup.runtime;

/** What a parameter is inside its layer, which decides its fans and its default init. */
public enum ParameterKind {
    /** A {@code Linear} weight {@code (fan_out, fan_in)}. */
    WEIGHT,
    /** A {@code Linear} bias {@code (fan_out)}: default init depends on the layer's fan_in. */
    BIAS,
    /** An embedding table {@code (vocabulary, dim)}: fan_in is the vocabulary, fan_out the dim. */
    EMBEDDING,
    /** A norm gain {@code (dim)}, initialized to one. */
    NORM_GAIN,
    /** A norm bias {@code (dim)}, initialized to zero. */
    NORM_BIAS,
    /**
     * Any other parameter of a layer kept unscaled on purpose ({@link ParameterClass#UNSCALED}),
     * e.g. a convolution kernel; its initializer is the layer's own.
     */
    OTHER
}
