package dev.mup.processor;

import java.util.Objects;

/**
 * A validated {@code dev.mup.runtime.MuResidual} field of a {@code @MuBlock}: the residual
 * connection the block adds its branches through. The generated code declares it to {@code
 * MuModelBuilder.residual}, which sets its branch multiplier (depth scaling).
 *
 * @param fieldName the name of the field
 */
record ResidualDescription(String fieldName) implements Declaration {

    /** The runtime type such a field is declared as. */
    static final String TYPE = "dev.mup.runtime.MuResidual";

    ResidualDescription {
        Objects.requireNonNull(fieldName, "fieldName");
    }
}
