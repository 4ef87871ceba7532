package dev.mup.workflow.sweep;

/**
 * Hears what a {@link SweepWorker} does, for progress output. Every method does nothing by
 * default. Called on the worker's thread; a listener that throws stops the worker.
 */
public interface SweepListener {

    /** A listener that ignores everything. */
    SweepListener NONE = new SweepListener() {};

    /**
     * The worker starts.
     *
     * @param progress the sweep's progress before it claims anything
     */
    default void started(SweepProgress progress) {}

    /**
     * The worker claimed a trial and is about to run it.
     *
     * @param trial the claim
     * @param progress the sweep's progress, counting this trial as running
     */
    default void trialStarted(ClaimedTrial trial, SweepProgress progress) {}

    /**
     * The worker recorded a trial as completed or diverged.
     *
     * @param record the trial as stored
     * @param progress the sweep's progress, counting this trial as done
     */
    default void trialFinished(TrialRecord record, SweepProgress progress) {}

    /**
     * The worker ran a trial but could not record it: its lease expired and another worker claimed
     * it meanwhile (the other worker's result will be recorded instead). A lease that is too short
     * for the time between renewals causes this.
     *
     * @param trial the claim that went stale
     * @param progress the sweep's progress
     */
    default void trialLost(ClaimedTrial trial, SweepProgress progress) {}

    /**
     * Nothing is claimable now but the sweep is not finished: other workers hold live leases. The
     * worker polls, so that it takes over the trial of a worker that died.
     *
     * @param progress the sweep's progress
     */
    default void waiting(SweepProgress progress) {}
}
