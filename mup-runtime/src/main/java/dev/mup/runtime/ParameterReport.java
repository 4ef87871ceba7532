package dev.mup.runtime;

/**
 * One row of a model's μP table: a parameter and what the rule decided for it.
 *
 * @param parameter the parameter
 * @param scaling its init std, forward multiplier, learning-rate and weight-decay multipliers
 */
public record ParameterReport(MuParameter parameter, ParameterScaling scaling) {}
