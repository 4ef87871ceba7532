package dev.mup.processor;

import java.util.List;
import java.util.Objects;

/**
 * A validated role field: a layer of the model and the widths its fans scale with.
 *
 * @param fieldName the name of the field holding the layer
 * @param role what the layer is under μP
 * @param type the kind of layer or block the field is declared as; one of the role's {@link
 *     Role#supported() supported types}
 * @param fanInWidth the {@code @Width} field the layer's input size scales with, or {@code null}
 *     when the input size is finite (input-like layers)
 * @param fanOutWidth the {@code @Width} field the layer's output size scales with, or {@code
 *     null} when the output size is finite (readouts)
 * @param multiplier the output multiplier α_out of a readout; 1 for the other roles
 * @param zeroInit whether a readout's weight starts at zero; {@code false} for the other roles
 *     and for a tied readout (whose weight is the input embedding's)
 */
record LayerDescription(
        String fieldName,
        Role role,
        LayerType type,
        String fanInWidth,
        String fanOutWidth,
        double multiplier,
        boolean zeroInit)
        implements Declaration {

    /**
     * The layers and blocks a role field may hold, by the type the field is declared as. The
     * processor looks them up by name in the compilation ({@code Elements.getTypeElement}) and
     * links against neither DJL nor the runtime; a type that is not on the compile classpath
     * (an older runtime) is not supported.
     */
    enum LayerType {
        /**
         * {@code ai.djl.nn.core.Linear}: the runtime installs a μP {@code Linear} in place of the
         * layer and returns it.
         */
        LINEAR("ai.djl.nn.core.Linear", true, false),
        /** {@code ai.djl.nn.core.Embedding} or a subclass; keeps its place. */
        EMBEDDING("ai.djl.nn.core.Embedding", false, false),
        /** {@code ai.djl.nn.norm.LayerNorm} or a subclass; keeps its place. */
        LAYER_NORM("ai.djl.nn.norm.LayerNorm", false, false),
        /**
         * {@code dev.mup.runtime.MuAttention}: the runtime parametrizes its projections and sets
         * its logit scale, and returns the block.
         */
        ATTENTION("dev.mup.runtime.MuAttention", true, true),
        /**
         * {@code dev.mup.runtime.MuTiedReadout}, a readout reusing the input embedding's table:
         * the runtime sets its logit multiplier and returns the block.
         */
        TIED_READOUT("dev.mup.runtime.MuTiedReadout", true, true),
        /**
         * {@code ai.djl.nn.convolutional.Conv1d}: parametrized in place (DJL does not let it be
         * subclassed); the runtime returns the same layer.
         */
        CONV1D("ai.djl.nn.convolutional.Conv1d", true, false),
        /**
         * {@code ai.djl.nn.convolutional.Conv2d}: the runtime installs a μP {@code Conv2d} in
         * place of the layer, which a coordinate check can observe, and returns it.
         */
        CONV2D("ai.djl.nn.convolutional.Conv2d", true, false),
        /**
         * {@code ai.djl.nn.convolutional.Conv3d}: parametrized in place (DJL does not let it be
         * subclassed); the runtime returns the same layer.
         */
        CONV3D("ai.djl.nn.convolutional.Conv3d", true, false),
        /** {@code ai.djl.nn.norm.BatchNorm}; keeps its place. */
        BATCH_NORM("ai.djl.nn.norm.BatchNorm", false, false);

        private final String qualifiedName;
        private final boolean assigned;
        private final boolean runtime;

        LayerType(String qualifiedName, boolean assigned, boolean runtime) {
            this.qualifiedName = qualifiedName;
            this.assigned = assigned;
            this.runtime = runtime;
        }

        /**
         * The canonical name the type is looked up by.
         *
         * @return e.g. {@code ai.djl.nn.core.Linear}
         */
        String qualifiedName() {
            return qualifiedName;
        }

        /**
         * The simple name, for messages.
         *
         * @return e.g. {@code Linear}
         */
        String simpleName() {
            return qualifiedName.substring(qualifiedName.lastIndexOf('.') + 1);
        }

        /**
         * Whether the generated constructor assigns to the field the layer or block that {@code
         * MuModelBuilder} returns for it (and passes it the model's children). Such a field must
         * not be final and must be declared as exactly this type.
         *
         * @return whether the field is reassigned
         */
        boolean assigned() {
            return assigned;
        }

        /**
         * Whether the type belongs to the μP runtime ({@code dev.mup.runtime}) rather than to
         * DJL; an older runtime may lack it.
         *
         * @return whether it is a runtime type
         */
        boolean runtime() {
            return runtime;
        }
    }

    /** The μP role of a layer, one per role annotation. */
    enum Role {
        /** {@code @MuInput}: only the output size is a width. */
        INPUT(List.of(
                LayerType.LINEAR,
                LayerType.EMBEDDING,
                LayerType.LAYER_NORM,
                LayerType.CONV1D,
                LayerType.CONV2D,
                LayerType.CONV3D,
                LayerType.BATCH_NORM)),
        /** {@code @MuHidden}: input and output sizes are widths. */
        HIDDEN(List.of(
                LayerType.LINEAR,
                LayerType.ATTENTION,
                LayerType.CONV1D,
                LayerType.CONV2D,
                LayerType.CONV3D)),
        /** {@code @MuOutput}: only the input size is a width; the readout. */
        OUTPUT(List.of(LayerType.LINEAR, LayerType.TIED_READOUT));

        private final List<LayerType> supported;

        Role(List<LayerType> supported) {
            this.supported = supported;
        }

        /**
         * The types a field with this role may be declared as, in the order messages list them.
         *
         * @return the supported types
         */
        List<LayerType> supported() {
            return supported;
        }
    }

    LayerDescription {
        Objects.requireNonNull(fieldName, "fieldName");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(type, "type");
        if ((fanInWidth != null) != (role != Role.INPUT)) {
            throw new IllegalArgumentException(
                    role + " layer " + fieldName + " with fanInWidth " + fanInWidth);
        }
        if ((fanOutWidth != null) != (role != Role.OUTPUT)) {
            throw new IllegalArgumentException(
                    role + " layer " + fieldName + " with fanOutWidth " + fanOutWidth);
        }
        if (!role.supported().contains(type)) {
            throw new IllegalArgumentException(role + " layer " + fieldName + " is a " + type);
        }
        if (role != Role.INPUT && !type.assigned()) {
            // The generator passes the children to, and assigns the result of, every hidden
            // layer and readout.
            throw new IllegalArgumentException(
                    role + " layer " + fieldName + " of type " + type + " would not be assigned");
        }
        if (zeroInit && type == LayerType.TIED_READOUT) {
            throw new IllegalArgumentException("tied readout " + fieldName + " with zeroInit");
        }
    }

    /**
     * An {@code @MuInput} layer.
     *
     * @param fieldName the field
     * @param type a {@code Linear}, an {@code Embedding}, a {@code LayerNorm}, a convolution or a
     *     {@code BatchNorm}
     * @param width the width its output size scales with
     * @return the description
     */
    static LayerDescription input(String fieldName, LayerType type, String width) {
        return new LayerDescription(fieldName, Role.INPUT, type, null, width, 1.0, false);
    }

    /**
     * An {@code @MuHidden} layer.
     *
     * @param fieldName the field
     * @param type a {@code Linear}, a {@code MuAttention} or a convolution
     * @param fanInWidth the width its input size scales with
     * @param fanOutWidth the width its output size scales with
     * @return the description
     */
    static LayerDescription hidden(
            String fieldName, LayerType type, String fanInWidth, String fanOutWidth) {
        return new LayerDescription(
                fieldName, Role.HIDDEN, type, fanInWidth, fanOutWidth, 1.0, false);
    }

    /**
     * An {@code @MuOutput} layer.
     *
     * @param fieldName the field
     * @param type a {@code Linear} or a {@code MuTiedReadout}
     * @param width the width its input size scales with
     * @param multiplier α_out
     * @param zeroInit whether its weight starts at zero; never for a tied readout
     * @return the description
     */
    static LayerDescription output(
            String fieldName, LayerType type, String width, double multiplier, boolean zeroInit) {
        return new LayerDescription(
                fieldName, Role.OUTPUT, type, width, null, multiplier, zeroInit);
    }
}
