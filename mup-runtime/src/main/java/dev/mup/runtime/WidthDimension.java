package dev.mup.runtime;

/**
 * One width dimension of a model: its field name, its current value and its base value.
 *
 * @param name the name of the {@code @Width} field
 * @param value the width of this model
 * @param base the width at which hyperparameters are tuned
 */
public record WidthDimension(String name, int value, int base) {

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException naming the width when {@code value} or {@code base} is
     *     not positive
     */
    public WidthDimension {
        if (value <= 0) {
            throw new IllegalArgumentException(
                    "Width '" + name + "' must be positive, got " + value);
        }
        if (base <= 0) {
            throw new IllegalArgumentException(
                    "Base of width '" + name + "' must be positive, got " + base);
        }
    }

    /**
     * The width multiplier {@code value / base}, as {@link MuRule#widthMultiplier} computes it.
     *
     * @return how many times wider this model is than the base model
     */
    public double multiplier() {
        return MuRule.widthMultiplier(value, base);
    }
}
