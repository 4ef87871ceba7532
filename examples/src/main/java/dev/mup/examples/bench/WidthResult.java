package dev.mup.examples.bench;

/**
 * Both variants at one width.
 *
 * @param width the model dimension
 * @param parameters trainable scalars of the model (the same in both variants)
 * @param flopsPerStep model FLOPs of one training step ({@link GptFlops})
 * @param mup the generated μP model with its μP Adam
 * @param plain the plain DJL model with DJL's Adam
 */
public record WidthResult(int width, long parameters, long flopsPerStep, StepTiming mup, StepTiming plain) {

    /**
     * How much longer the μP step takes than the plain one: 1 means μP costs nothing.
     *
     * @return μP median over plain median
     */
    public double overheadRatio() {
        return mup.medianMs() / plain.medianMs();
    }

    /**
     * The model FLOP rate of the μP step.
     *
     * @return GFLOP/s at the μP median
     */
    public double modelGflops() {
        return gflops(mup);
    }

    /**
     * The model FLOP rate of the plain step.
     *
     * @return GFLOP/s at the plain median
     */
    public double plainModelGflops() {
        return gflops(plain);
    }

    private double gflops(StepTiming timing) {
        return flopsPerStep / (timing.medianMs() * 1e6);
    }
}
