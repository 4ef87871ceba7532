package dev.mup.workflow.sweep;

/** Where a trial is in its life: waiting, claimed by a worker, or finished one way or the other. */
public enum TrialStatus {
    /** Not claimed yet, or released by a worker that failed. */
    PENDING,
    /** Claimed by a worker that holds a lease on it; claimable again once the lease expires. */
    RUNNING,
    /** Finished with finite losses. */
    COMPLETED,
    /** Finished with a NaN or infinite loss. */
    DIVERGED;

    /**
     * Whether the trial is done for good.
     *
     * @return true for {@link #COMPLETED} and {@link #DIVERGED}
     */
    public boolean finished() {
        return this == COMPLETED || this == DIVERGED;
    }
}
