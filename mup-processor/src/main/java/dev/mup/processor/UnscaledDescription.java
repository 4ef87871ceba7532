package dev.mup.processor;

import java.util.Objects;

/**
 * A validated field annotated {@code @MuUnscaled}: a block (or an array or list of blocks) whose
 * parameters stay in the standard parametrization on purpose. The generated code declares it to
 * {@code MuModelBuilder.unscaled}, so that its parameters are in the μP table as unscaled rather
 * than unclassified.
 *
 * @param fieldName the name of the field
 */
record UnscaledDescription(String fieldName) implements Declaration {

    UnscaledDescription {
        Objects.requireNonNull(fieldName, "fieldName");
    }
}
