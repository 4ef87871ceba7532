package dev.mup.workflow.sweep;

import java.util.Objects;

/**
 * A trial as the store holds it.
 *
 * @param id the trial's id in its store, 1-based in the order the sweep listed its trials
 * @param spec what the trial trains
 * @param status where it is
 * @param result what it gave; null unless {@link TrialStatus#COMPLETED} or {@link TrialStatus#DIVERGED}
 * @param worker the worker that holds or finished it; null while it is pending
 * @param attempts how many times it was claimed (more than 1 after a worker died or failed)
 */
public record TrialRecord(long id, TrialSpec spec, TrialStatus status, TrialResult result, String worker, int attempts) {

    /** Checks that the result is there exactly when the trial is finished. */
    public TrialRecord {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(status, "status");
        if (status.finished() != (result != null)) {
            throw new IllegalArgumentException("trial " + spec.key() + " is " + status
                    + (result == null ? " but has no result" : " but has a result"));
        }
    }
}
