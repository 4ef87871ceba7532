package dev.mup.runtime;

/**
 * How one parameter is drawn: a distribution with its std, or a constant.
 *
 * @param distribution the distribution
 * @param std the standard deviation (uniform: the bound is {@code sqrt(3)·std}; normal
 *     truncated: the std of the untruncated normal); zero for constants
 * @param constant the value of a constant init; zero otherwise
 */
public record InitSpec(InitMode.Distribution distribution, double std, double constant) {

    /**
     * A constant init.
     *
     * @param value the value of every element
     * @return the spec
     */
    public static InitSpec constant(double value) {
        return new InitSpec(InitMode.Distribution.CONSTANT, 0.0, value);
    }

    /**
     * A random init.
     *
     * @param distribution the distribution
     * @param std its standard deviation
     * @return the spec, or a zero constant when {@code std} is zero
     */
    public static InitSpec random(InitMode.Distribution distribution, double std) {
        return std == 0.0 ? constant(0.0) : new InitSpec(distribution, std, 0.0);
    }
}
