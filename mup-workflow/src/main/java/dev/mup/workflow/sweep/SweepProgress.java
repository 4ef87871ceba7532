package dev.mup.workflow.sweep;

/**
 * How far a sweep is: how many trials are in each {@link TrialStatus}.
 *
 * @param total all trials
 * @param pending trials nobody holds
 * @param running trials a worker holds (including ones whose lease has expired, not yet claimed again)
 * @param completed trials finished with finite losses
 * @param diverged trials finished with a NaN or infinite loss
 */
public record SweepProgress(int total, int pending, int running, int completed, int diverged) {

    /** Checks that the counts add up. */
    public SweepProgress {
        if (pending < 0 || running < 0 || completed < 0 || diverged < 0
                || total != pending + running + completed + diverged) {
            throw new IllegalArgumentException("inconsistent progress: total " + total + " != pending " + pending
                    + " + running " + running + " + completed " + completed + " + diverged " + diverged);
        }
    }

    /**
     * Trials finished either way.
     *
     * @return completed plus diverged
     */
    public int done() {
        return completed + diverged;
    }

    /**
     * Whether every trial is finished.
     *
     * @return true when {@link #done()} equals {@link #total()}
     */
    public boolean finished() {
        return done() == total;
    }
}
