package dev.mup.runtime;

/**
 * The depth of a model: the field holding its repeated residual blocks ({@code @Depth}), the
 * number of blocks, and the number at which hyperparameters were tuned.
 *
 * @param name the name of the {@code @Depth} field (a list or array of blocks)
 * @param value the number of blocks of this model
 * @param base the number of blocks at which hyperparameters are tuned
 */
public record DepthDimension(String name, int value, int base) {

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException naming the field when {@code value} or {@code base} is not
     *     positive
     */
    public DepthDimension {
        if (value <= 0) {
            throw new IllegalArgumentException(
                    "Depth '" + name + "' must be positive (at least one block), got " + value);
        }
        if (base <= 0) {
            throw new IllegalArgumentException(
                    "Base of depth '" + name + "' must be positive, got " + base);
        }
    }

    /**
     * The depth multiplier {@code m_L = value / base}, as {@link MuRule#depthMultiplier}
     * computes it.
     *
     * @return how many times deeper this model is than the base model
     */
    public double multiplier() {
        return MuRule.depthMultiplier(value, base);
    }
}
