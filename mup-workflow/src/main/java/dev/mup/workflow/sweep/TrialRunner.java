package dev.mup.workflow.sweep;

/** Trains one trial. Called by {@link SweepWorker} on the worker's thread. */
@FunctionalInterface
public interface TrialRunner {

    /**
     * Trains the model the spec describes.
     *
     * @param spec the trial
     * @return its losses; NaN or infinite losses mark it diverged, which is recorded, not an error
     * @throws Exception when the trial could not run; the worker releases it to other workers and rethrows
     */
    TrialResult run(TrialSpec spec) throws Exception;
}
