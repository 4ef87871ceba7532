package dev.mup.examples.bench;

import java.util.Arrays;

/**
 * The timed steps of one variant at one width, summarized: the median is the number reported,
 * because one step slowed by another process on the machine moves it least; the minimum and
 * maximum are kept so that the noise of a run is visible next to it.
 *
 * @param medianMs median milliseconds per step
 * @param minMs fastest step
 * @param maxMs slowest step
 * @param samples timed steps
 */
public record StepTiming(double medianMs, double minMs, double maxMs, int samples) {

    /**
     * Summarizes measured times.
     *
     * @param ms milliseconds of each timed step, at least one
     * @return the summary
     */
    public static StepTiming of(double[] ms) {
        if (ms.length == 0) {
            throw new IllegalArgumentException("no timed steps");
        }
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return new StepTiming(median, sorted[0], sorted[n - 1], n);
    }
}
