/**
 * The precision a model trains in: float32, or float16 compute with float32 weights and
 * optimizer state ({@link dev.mup.runtime.precision.MixedPrecision}), chosen with
 * {@link dev.mup.runtime.precision.Precision} and trained through
 * {@link dev.mup.runtime.precision.TrainingStep}.
 */
package dev.mup.runtime.precision;
