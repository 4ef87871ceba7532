package dev.mup.workflow.sweep;

/**
 * What training one trial gave.
 *
 * <p>Losses may be NaN or infinite: that is how a trial reports that it diverged, and the store
 * records it as {@link TrialStatus#DIVERGED} instead of failing the sweep, because divergence at
 * large learning rates is an expected outcome of a learning-rate sweep.
 *
 * @param trainLoss the final training loss
 * @param validLoss the validation loss
 * @param steps the number of optimizer steps taken, not negative
 * @param seconds the wall-clock time the trial took, finite and not negative
 */
public record TrialResult(double trainLoss, double validLoss, int steps, double seconds) {

    /** Validates the counts. */
    public TrialResult {
        if (steps < 0) {
            throw new IllegalArgumentException("steps must not be negative, got " + steps);
        }
        if (!(seconds >= 0) || Double.isInfinite(seconds)) {
            throw new IllegalArgumentException("seconds must be finite and not negative, got " + seconds);
        }
    }

    /**
     * Whether training blew up.
     *
     * @return true when either loss is NaN or infinite
     */
    public boolean diverged() {
        return !Double.isFinite(trainLoss) || !Double.isFinite(validLoss);
    }
}
