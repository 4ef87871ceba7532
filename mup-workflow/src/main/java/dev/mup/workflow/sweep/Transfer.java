package dev.mup.workflow.sweep;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;

/**
 * μTransfer from a sweep: the best hyperparameters at the proxy width, per parametrization,
 * and (with a runner) the target width trained with them, μP with the μP-tuned values and SP
 * with the SP-tuned values.
 */
public final class Transfer {

    private Transfer() {}

    /**
     * One parametrization's transfer.
     *
     * @param param {@code mup} or {@code sp}
     * @param proxyWidth the width tuned at
     * @param targetWidth the width transferred to
     * @param hyperparameters the best point at the proxy width
     * @param proxyLoss its validation loss (mean over seeds)
     * @param target the target's training with them; null when not trained
     */
    public record Result(String param, int proxyWidth, int targetWidth, SortedMap<String, Double> hyperparameters,
            double proxyLoss, TrialResult target) {}

    /** Hears a transfer's progress. */
    @FunctionalInterface
    public interface Listener {
        /** Hears nothing. */
        Listener NONE = (param, width) -> {};

        /**
         * A target training starts.
         *
         * @param param the parametrization
         * @param width the target width
         */
        void training(String param, int width);
    }

    /**
     * Transfers the best values of every parametrization that has a finished trial at the proxy
     * width; parametrizations without one are left out.
     *
     * @param analysis the sweep's analysis
     * @param params the parametrizations, in order
     * @param proxyWidth the width tuned at
     * @param targetWidth the width to transfer to
     * @param runner trains the target (seed 1); null to only read the best values
     * @param listener hears each target training; null for none
     * @return one result per parametrization with a best point
     */
    public static List<Result> run(SweepAnalysis analysis, List<String> params, int proxyWidth, int targetWidth,
            TrialRunner runner, Listener listener) {
        Objects.requireNonNull(analysis, "analysis");
        if (targetWidth <= 0) {
            throw new IllegalArgumentException("the target width must be positive, got " + targetWidth);
        }
        Listener l = listener != null ? listener : Listener.NONE;
        List<Result> results = new ArrayList<>();
        for (String param : params) {
            SweepAnalysis.Best best = analysis.best(param, proxyWidth).orElse(null);
            if (best == null) {
                continue;
            }
            TrialResult target = null;
            if (runner != null) {
                l.training(param, targetWidth);
                try {
                    target = runner.run(new TrialSpec(param, targetWidth, 1, best.hyperparameters()));
                } catch (RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
            results.add(new Result(param, proxyWidth, targetWidth, best.hyperparameters(), best.loss(), target));
        }
        return results;
    }
}
