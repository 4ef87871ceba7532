package dev.mup.examples.bench;

import java.util.List;

/**
 * A whole run of the training-step benchmark.
 *
 * @param engine the engine and its version, e.g. {@code PyTorch 2.7.1}
 * @param device where the models ran
 * @param threads the engine's intra-op threads, or {@code null} when the engine does not say
 * @param interopThreads the engine's inter-op threads, or {@code null} when it does not say
 * @param corpus the text the batches came from
 * @param settings what was run
 * @param matmulSize {@code n} of the {@code n×n} by {@code n×n} fp32 products of the matmul rate
 * @param matmulGflops the engine's rate on those products
 * @param widths the results, in the order of the settings' widths
 */
public record BenchResult(
        String engine,
        String device,
        Integer threads,
        Integer interopThreads,
        String corpus,
        BenchSettings settings,
        int matmulSize,
        double matmulGflops,
        List<WidthResult> widths) {

    /** Copies the list. */
    public BenchResult {
        widths = List.copyOf(widths);
    }

    /**
     * The model FLOP rate of a width's μP step as a fraction of the matmul rate: how much of the
     * machine's dense-multiply speed a training step of this size achieves.
     *
     * @param result one of {@link #widths()}
     * @return {@code modelGflops / matmulGflops}
     */
    public double fractionOfMatmul(WidthResult result) {
        return result.modelGflops() / matmulGflops;
    }
}
