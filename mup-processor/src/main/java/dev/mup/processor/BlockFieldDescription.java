package dev.mup.processor;

import java.util.Objects;

/**
 * A validated field holding {@code @MuBlock} blocks, in a model or in another block: the
 * generated code declares each block through the block's generated {@code declare} method.
 *
 * @param fieldName the name of the field
 * @param shape how the field holds its blocks
 * @param block the {@code @MuBlock} class (for a list or array: its element type)
 */
record BlockFieldDescription(String fieldName, Shape shape, ClassReference block)
        implements Declaration {

    /** How a field holds blocks. */
    enum Shape {
        /** A field of the block type: {@code GptBlock block}, declared under {@code block.}. */
        SINGLE,
        /** An array: {@code GptBlock[] blocks}, element {@code i} under {@code blocks.i.}. */
        ARRAY,
        /** A {@code java.util.List}: {@code List<GptBlock> blocks}, likewise. */
        LIST
    }

    BlockFieldDescription {
        Objects.requireNonNull(fieldName, "fieldName");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(block, "block");
    }
}
