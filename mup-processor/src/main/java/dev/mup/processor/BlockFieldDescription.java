package dev.mup.processor;

import java.util.Objects;

/**
 * A validated field holding {@code @MuBlock} blocks, in a model or in another block: the
 * generated code declares each block through the block's generated {@code declare} method.
 *
 * @param fieldName the name of the field
 * @param shape how the field holds its blocks
 * @param block the {@code @MuBlock} class (for a list or array: its element type)
 * @param depthBase the base of {@code @Depth} on the field (a list or array: the model's
 *     repeated residual blocks), or 0 when the field is not the model's depth
 */
record BlockFieldDescription(String fieldName, Shape shape, ClassReference block, int depthBase)
        implements Declaration {

    /**
     * A field that is not the model's depth.
     *
     * @param fieldName the name of the field
     * @param shape how the field holds its blocks
     * @param block the {@code @MuBlock} class
     */
    BlockFieldDescription(String fieldName, Shape shape, ClassReference block) {
        this(fieldName, shape, block, 0);
    }

    /**
     * The same field, declared as the model's depth.
     *
     * @param base the base number of blocks; positive
     * @return the description with that depth base
     */
    BlockFieldDescription withDepthBase(int base) {
        return new BlockFieldDescription(fieldName, shape, block, base);
    }

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
        if (depthBase < 0 || depthBase > 0 && shape == Shape.SINGLE) {
            throw new IllegalArgumentException("depth base " + depthBase + " on " + shape + " field " + fieldName);
        }
    }
}
