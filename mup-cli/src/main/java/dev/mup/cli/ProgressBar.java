package dev.mup.cli;

import dev.mup.workflow.sweep.ClaimedTrial;
import dev.mup.workflow.sweep.SweepListener;
import dev.mup.workflow.sweep.SweepProgress;
import dev.mup.workflow.sweep.TrialRecord;
import dev.mup.workflow.sweep.TrialStatus;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Shows a sweep's progress: on a terminal, one bar redrawn in place with the trials done, the
 * diverged ones and an estimate of the time left; otherwise (a log file, CI) one plain line per
 * finished trial. The estimate is this worker's mean time per trial times the trials left,
 * divided by the workers seen running.
 */
public final class ProgressBar implements SweepListener {

    private static final int BAR = 30;

    private final PrintStream out;
    private final boolean terminal;
    private final long started = System.nanoTime();
    private int finishedHere;

    /**
     * Creates the display.
     *
     * @param out where to draw (standard error)
     * @param terminal whether {@code out} is a terminal that understands carriage returns
     */
    public ProgressBar(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    @Override
    public void started(SweepProgress p) {
        if (terminal) {
            draw(p, "");
        } else {
            out.printf(Locale.ROOT, "sweep: %d trials, %d done, %d to run%n", p.total(), p.done(),
                    p.total() - p.done());
        }
    }

    @Override
    public void trialStarted(ClaimedTrial t, SweepProgress p) {
        if (terminal) {
            draw(p, t.spec().key());
        }
    }

    @Override
    public void trialFinished(TrialRecord r, SweepProgress p) {
        finishedHere++;
        if (terminal) {
            draw(p, "");
            return;
        }
        String outcome = r.status() == TrialStatus.DIVERGED
                ? "diverged"
                : String.format(Locale.ROOT, "train %.4f valid %.4f", r.result().trainLoss(), r.result().validLoss());
        out.printf(Locale.ROOT, "sweep: [%d/%d] %s: %s (%.1f s)%s%n", p.done(), p.total(), r.spec().key(),
                outcome, r.result() == null ? 0.0 : r.result().seconds(), eta(p));
    }

    @Override
    public void waiting(SweepProgress p) {
        if (terminal) {
            draw(p, "waiting for other workers");
        }
    }

    /** Ends the bar's line. */
    public void finish() {
        if (terminal) {
            out.println();
        }
    }

    private void draw(SweepProgress p, String current) {
        int filled = p.total() == 0 ? BAR : (int) ((long) BAR * p.done() / p.total());
        String bar = "#".repeat(filled) + "-".repeat(BAR - filled);
        String line = String.format(Locale.ROOT, "\r[%s] %d/%d trials, %d diverged%s %s", bar, p.done(),
                p.total(), p.diverged(), eta(p), current);
        out.print(line.length() > 140 ? line.substring(0, 140) : line + " ".repeat(Math.max(0, 140 - line.length())));
        out.flush();
    }

    private String eta(SweepProgress p) {
        if (finishedHere == 0) {
            return "";
        }
        double perTrial = (System.nanoTime() - started) / 1e9 / finishedHere;
        int left = p.total() - p.done();
        double seconds = perTrial * left / Math.max(1, p.running());
        return ", ETA " + duration(seconds);
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60);
    }
}
