package dev.mup.runtime;

/** The role an annotation gave a layer; each role's parameters fall into a {@link ParameterClass}. */
public enum LayerRole {
    /** {@code @MuInput}: only the output size is a width. */
    INPUT,
    /** {@code @MuHidden}: input and output sizes are widths. */
    HIDDEN,
    /** {@code @MuOutput}: only the input size is a width. */
    OUTPUT
}
