package dev.mup.processor;

import java.util.Objects;

/**
 * A validated {@code @Width} field: an accessible, non-static {@code int} field with a positive
 * base.
 *
 * @param fieldName the name of the field, which is also the width's name in role annotations
 * @param base the width at which hyperparameters are tuned; positive
 */
record WidthDescription(String fieldName, int base) {

    WidthDescription {
        Objects.requireNonNull(fieldName, "fieldName");
        if (base <= 0) {
            throw new IllegalArgumentException("base must be positive, got " + base);
        }
    }
}
