package dev.mup.processor;

/**
 * One field that the generated code declares to {@code MuModelBuilder}: a role field ({@link
 * LayerDescription}), a field holding {@code @MuBlock} blocks ({@link BlockFieldDescription}), a
 * field kept unscaled on purpose ({@link UnscaledDescription}) or a block's residual connection
 * ({@link ResidualDescription}).
 * Models and blocks list them in field declaration order, which is the order of the generated
 * statements and of the parameters in the parametrization.
 */
sealed interface Declaration
        permits LayerDescription, BlockFieldDescription, UnscaledDescription, ResidualDescription {

    /**
     * The name of the field, which is also the layer's (or the blocks' prefix) name.
     *
     * @return the field name
     */
    String fieldName();
}
