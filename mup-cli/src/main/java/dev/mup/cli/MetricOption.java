package dev.mup.cli;

import dev.mup.workflow.sweep.SweepAnalysis;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * {@code --metric validation|training}: which of a trial's losses the optima are read from
 * ({@link SweepAnalysis.Metric}). The held-out loss is the default; a model whose held-out loss
 * does not follow training (BatchNorm scored with its running statistics, say) is read on the
 * training loss.
 */
final class MetricOption {

    @Option(names = "--metric", paramLabel = "validation|training",
            description = "The loss the optima are read from: validation (default: the mean over the held-out"
                    + " batches after training) or training (the mean of the last tenth of the steps). Use"
                    + " training when the held-out loss does not follow training, as with BatchNorm scored"
                    + " with its running statistics.")
    String metric;

    /**
     * The metric asked for.
     *
     * @param cli the command, for the error
     * @return the metric; {@link SweepAnalysis.Metric#VALIDATION} when not given
     * @throws BadInput for an unknown name
     */
    SweepAnalysis.Metric metric(CommandLine cli) {
        if (metric == null) {
            return SweepAnalysis.Metric.VALIDATION;
        }
        try {
            return SweepAnalysis.Metric.of(metric);
        } catch (IllegalArgumentException e) {
            throw new BadInput(cli, "--metric must be validation or training, got '" + metric + "'");
        }
    }
}
