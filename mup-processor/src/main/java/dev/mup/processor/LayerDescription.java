package dev.mup.processor;

import java.util.Objects;

/**
 * A validated role field: a layer of the model and the widths its fans scale with.
 *
 * @param fieldName the name of the field holding the layer
 * @param role what the layer is under μP
 * @param fanInWidth the {@code @Width} field the layer's input size scales with, or {@code null}
 *     when the input size is finite (input-like layers)
 * @param fanOutWidth the {@code @Width} field the layer's output size scales with, or {@code
 *     null} when the output size is finite (readouts)
 * @param multiplier the output multiplier α_out of a readout; 1 for the other roles
 * @param zeroInit whether a readout's weight starts at zero; {@code false} for the other roles
 * @param linear whether the field is declared as {@code ai.djl.nn.core.Linear}: the runtime then
 *     installs a μP {@code Linear} in place of the layer, and the generated constructor assigns it
 *     to the field. Always {@code true} for hidden layers and readouts; an input-like layer may
 *     also be an {@code Embedding} or a {@code LayerNorm}, which keep their place
 */
record LayerDescription(
        String fieldName,
        Role role,
        String fanInWidth,
        String fanOutWidth,
        double multiplier,
        boolean zeroInit,
        boolean linear) {

    /** The μP role of a layer, one per role annotation. */
    enum Role {
        /** {@code @MuInput}: only the output size is a width. */
        INPUT,
        /** {@code @MuHidden}: input and output sizes are widths. */
        HIDDEN,
        /** {@code @MuOutput}: only the input size is a width; the readout. */
        OUTPUT
    }

    LayerDescription {
        Objects.requireNonNull(fieldName, "fieldName");
        Objects.requireNonNull(role, "role");
        if ((fanInWidth != null) != (role != Role.INPUT)) {
            throw new IllegalArgumentException(
                    role + " layer " + fieldName + " with fanInWidth " + fanInWidth);
        }
        if ((fanOutWidth != null) != (role != Role.OUTPUT)) {
            throw new IllegalArgumentException(
                    role + " layer " + fieldName + " with fanOutWidth " + fanOutWidth);
        }
        if (!linear && role != Role.INPUT) {
            throw new IllegalArgumentException(role + " layer " + fieldName + " is not a Linear");
        }
    }

    /**
     * An {@code @MuInput} layer.
     *
     * @param fieldName the field
     * @param width the width its output size scales with
     * @param linear whether the field is declared as {@code Linear} (rather than as an {@code
     *     Embedding} or a {@code LayerNorm})
     * @return the description
     */
    static LayerDescription input(String fieldName, String width, boolean linear) {
        return new LayerDescription(fieldName, Role.INPUT, null, width, 1.0, false, linear);
    }

    /**
     * An {@code @MuHidden} layer.
     *
     * @param fieldName the field
     * @param fanInWidth the width its input size scales with
     * @param fanOutWidth the width its output size scales with
     * @return the description
     */
    static LayerDescription hidden(String fieldName, String fanInWidth, String fanOutWidth) {
        return new LayerDescription(
                fieldName, Role.HIDDEN, fanInWidth, fanOutWidth, 1.0, false, true);
    }

    /**
     * An {@code @MuOutput} layer.
     *
     * @param fieldName the field
     * @param width the width its input size scales with
     * @param multiplier α_out
     * @param zeroInit whether its weight starts at zero
     * @return the description
     */
    static LayerDescription output(
            String fieldName, String width, double multiplier, boolean zeroInit) {
        return new LayerDescription(
                fieldName, Role.OUTPUT, width, null, multiplier, zeroInit, true);
    }
}
