package dev.mup.examples.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * The engine's own matrix-multiply rate on a device: the ceiling against which a training step's
 * model FLOP rate is judged. {@code n×n} by {@code n×n} fp32 products, {@code 2·n³} FLOPs each,
 * timed after warm-up; the median sample is reported.
 *
 * <p>Each sample ends by reading one element of the last product, which waits for the device to
 * finish; where a product is much faster than that wait (a GPU), a sample runs several products
 * back to back, as many as fill about {@value #SAMPLE_MS} ms, so the wait does not dominate.
 */
final class MatmulRate {

    /** The size the benchmark reports, {@code 1024³}. */
    static final int SIZE = 1024;

    private static final double SAMPLE_MS = 20;
    private static final int WARMUP = 2;
    private static final int SAMPLES = 7;
    private static final int MAX_REPEATS = 1000;

    private MatmulRate() {}

    /**
     * Measures the rate.
     *
     * @param device where to multiply
     * @param n the matrix size
     * @return GFLOP/s, the median over the samples
     */
    static double gflops(Device device, int n) {
        try (NDManager manager = NDManager.newBaseManager(device)) {
            Shape shape = new Shape(n, n);
            NDArray a = manager.randomUniform(-1f, 1f, shape, DataType.FLOAT32);
            NDArray b = manager.randomUniform(-1f, 1f, shape, DataType.FLOAT32);
            double single = Double.MAX_VALUE;
            for (int i = 0; i < WARMUP; i++) {
                single = Math.min(single, time(manager, a, b, 1));
            }
            int repeats = (int) Math.max(1, Math.min(MAX_REPEATS, Math.ceil(SAMPLE_MS / single)));
            double[] gflops = new double[SAMPLES];
            for (int s = 0; s < SAMPLES; s++) {
                double ms = time(manager, a, b, repeats) / repeats;
                gflops[s] = 2.0 * n * n * n / (ms * 1e6);
            }
            Arrays.sort(gflops);
            return gflops[SAMPLES / 2];
        }
    }

    /** Milliseconds for {@code repeats} products, until the last one is finished. */
    private static double time(NDManager manager, NDArray a, NDArray b, int repeats) {
        try (NDManager sample = manager.newSubManager()) {
            sample.tempAttachAll(a, b);
            long start = System.nanoTime();
            NDArray product = null;
            for (int r = 0; r < repeats; r++) {
                if (product != null) {
                    product.close();
                }
                product = a.matMul(b);
            }
            product.getFloat(0, 0);
            return (System.nanoTime() - start) / 1e6;
        }
    }
}
