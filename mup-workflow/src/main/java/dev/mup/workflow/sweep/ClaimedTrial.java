package dev.mup.workflow.sweep;

import java.util.Objects;

/**
 * A trial that a worker claimed and holds a lease on. The token names this one claim: once the
 * lease expired and another worker claimed the trial again, the old token is stale and the store
 * rejects {@link TrialStore#renew renew} and {@link TrialStore#complete complete} with it, so a
 * trial is never recorded twice.
 *
 * @param id the trial's id in its store
 * @param spec what to train
 * @param worker the worker that claimed it
 * @param token the claim's unique token
 */
public record ClaimedTrial(long id, TrialSpec spec, String worker, String token) {

    /** Checks that nothing is missing. */
    public ClaimedTrial {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(worker, "worker");
        Objects.requireNonNull(token, "token");
    }
}
