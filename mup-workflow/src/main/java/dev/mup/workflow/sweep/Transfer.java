package dev.mup.workflow.sweep;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;

/**
 * μTransfer from a sweep: the best hyperparameters at the proxy width, per parametrization,
 * and (with a runner) the target width trained with them, μP with the μP-tuned values and SP
 * with the SP-tuned values. From a sweep over depth ({@link SweepAnalysis#axis()} is depth) the
 * proxy and target are depths at the sweep's one width ({@link #runOverDepth}).
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
     * @param proxyLoss its loss on the analysis's {@link SweepAnalysis#metric()} (mean over seeds)
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
        if (SweepAnalysis.DEPTH.equals(analysis.axis())) {
            throw new IllegalArgumentException("the sweep varied depth: transfer to a depth (runOverDepth)");
        }
        return transfer(analysis, params, proxyWidth, targetWidth, runner, listener,
                (param, hyperparameters) -> new TrialSpec(param, targetWidth, 1, hyperparameters));
    }

    /**
     * Transfers the best values of a sweep over depth from its proxy depth to a target depth at
     * the sweep's width; each {@link Result}'s {@code proxyWidth} and {@code targetWidth} are then
     * the depths. The runner trains with the sweep's depth exponent (its {@link SweepSettings}).
     *
     * @param analysis the analysis of a sweep over depth
     * @param params the parametrizations, in order
     * @param width the sweep's one width
     * @param proxyDepth the depth tuned at
     * @param targetDepth the depth to transfer to, positive
     * @param runner trains the target (seed 1); null to only read the best values
     * @param listener hears each target training (with the target depth); null for none
     * @return one result per parametrization with a best point
     * @throws IllegalArgumentException when the sweep did not vary depth, or a size is not positive
     */
    public static List<Result> runOverDepth(SweepAnalysis analysis, List<String> params, int width, int proxyDepth,
            int targetDepth, TrialRunner runner, Listener listener) {
        Objects.requireNonNull(analysis, "analysis");
        if (!SweepAnalysis.DEPTH.equals(analysis.axis())) {
            throw new IllegalArgumentException("the sweep varied width, not depth: transfer to a width (run)");
        }
        if (width <= 0 || targetDepth <= 0) {
            throw new IllegalArgumentException("the width and the target depth must be positive, got "
                    + width + " and " + targetDepth);
        }
        return transfer(analysis, params, proxyDepth, targetDepth, runner, listener,
                (param, hyperparameters) -> new TrialSpec(param, width, 1, hyperparameters, targetDepth));
    }

    private static List<Result> transfer(SweepAnalysis analysis, List<String> params, int proxyWidth,
            int targetWidth, TrialRunner runner, Listener listener,
            java.util.function.BiFunction<String, SortedMap<String, Double>, TrialSpec> target) {
        Listener l = listener != null ? listener : Listener.NONE;
        List<Result> results = new ArrayList<>();
        for (String param : params) {
            SweepAnalysis.Best best = analysis.best(param, proxyWidth).orElse(null);
            if (best == null) {
                continue;
            }
            TrialResult trained = null;
            if (runner != null) {
                l.training(param, targetWidth);
                try {
                    trained = runner.run(target.apply(param, best.hyperparameters()));
                } catch (RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
            results.add(new Result(param, proxyWidth, targetWidth, best.hyperparameters(), best.loss(), trained));
        }
        return results;
    }
}
