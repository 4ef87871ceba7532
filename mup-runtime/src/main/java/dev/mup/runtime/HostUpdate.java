package dev.mup.runtime;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.stream.IntStream;

/**
 * The optimizers' update done in Java, in place, on the memory of float32 CPU arrays: one pass
 * that reads the gradient, weight and state once and writes the weight and state once, with no
 * native call per element operation and no temporary array.
 *
 * <p>Each array's memory is reached through {@link NDArray#toByteBuffer(boolean)}, whose direct
 * buffer DJL documents as sharing the array's memory; the PyTorch engine hands out a copy instead
 * for non-contiguous or non-CPU arrays, so {@link #sharedMemory} checks that writes through the
 * buffer really reach the array before any update uses it.
 *
 * <p>Elements are processed in chunks copied to per-thread {@code float[]} scratch, where the
 * kernels are plain loops that the JIT vectorizes; large arrays are split into blocks processed
 * on the common fork-join pool. Every element goes through the same float operations, in the same
 * order, as the optimizers' array-operation path, each correctly rounded (Java's float arithmetic
 * and square root are IEEE 754's).
 */
final class HostUpdate {

    /**
     * Elements per chunk (1 KiB per array). Measured on the 29M-parameter MLP: 256 streams at
     * about twice the rate of 2048, while 128 and 512 are slightly slower than 256.
     */
    static final int CHUNK = 256;

    /**
     * Elements per parallel task (4 MiB of floats): smaller arrays are updated on the calling
     * thread. Measured with OptimizerBench on a GPT-shaped set (arrays of 0.4K to 590K floats)
     * after a backward pass: splitting them in blocks of 128K made the update no faster and
     * erratic (step maxima 17–21 ms against 10–13 for Adam), because libtorch's OpenMP workers
     * keep spinning on the cores for a while after each operation; the 12.5M-float arrays of the
     * MLP still split and run at the same speed.
     */
    static final int BLOCK = 1 << 20;

    private static final float[] ZEROS = new float[CHUNK];

    private static final ThreadLocal<Chunk> SCRATCH = ThreadLocal.withInitial(Chunk::new);

    private HostUpdate() {}

    /** One thread's copy of a chunk of the arrays an update reads and writes. */
    static final class Chunk {
        /** The gradient. */
        final float[] grad = new float[CHUNK];
        /** The weight. */
        final float[] weight = new float[CHUNK];
        /** The first state array (Adam's mean, SGD's momentum buffer). */
        final float[] first = new float[CHUNK];
        /** The second state array (Adam's variance). */
        final float[] second = new float[CHUNK];
    }

    /** The update of the elements of one chunk, in place in its arrays. */
    @FunctionalInterface
    interface Kernel {
        /**
         * Updates elements {@code [0, n)} of the chunk.
         *
         * @param c the chunk
         * @param n the number of elements
         */
        void apply(Chunk c, int n);
    }

    /**
     * The array's own memory as a float buffer, when the array is float32 on the CPU and its
     * engine exposes that memory; else null.
     *
     * @param array the array
     * @return a buffer whose writes change the array, or null
     */
    static FloatBuffer sharedMemory(NDArray array) {
        long size = array.size();
        if (size == 0
                || size > Integer.MAX_VALUE / Float.BYTES
                || array.getDataType() != DataType.FLOAT32
                || !Device.Type.CPU.equals(array.getDevice().getDeviceType())) {
            return null;
        }
        ByteBuffer a = array.toByteBuffer(true);
        if (!a.isDirect() || a.capacity() != size * Float.BYTES) {
            return null;
        }
        // an engine that copies (PyTorch does for non-contiguous arrays) copies again on each
        // call: two buffers that see each other's writes are the array's memory
        ByteBuffer b = array.toByteBuffer(true);
        if (!sameMemory(a, b)) {
            return null;
        }
        return a.order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /**
     * Whether two buffers of the same size are views of the same memory: a write through one is
     * seen through the other. The first element is restored.
     *
     * @param a a buffer
     * @param b another buffer
     * @return true when they share memory
     */
    static boolean sameMemory(ByteBuffer a, ByteBuffer b) {
        if (a.capacity() != b.capacity() || a.capacity() < Integer.BYTES) {
            return false;
        }
        int original = a.getInt(0);
        a.putInt(0, ~original);
        boolean same = b.getInt(0) == ~original;
        a.putInt(0, original);
        return same;
    }

    /**
     * Whether two float buffers share memory.
     *
     * @param a a buffer
     * @param b another buffer
     * @return true when a write through one is seen through the other
     */
    static boolean sameMemory(FloatBuffer a, FloatBuffer b) {
        if (a.capacity() != b.capacity() || a.capacity() == 0) {
            return false;
        }
        int original = Float.floatToRawIntBits(a.get(0));
        a.put(0, Float.intBitsToFloat(~original));
        boolean same = Float.floatToRawIntBits(b.get(0)) == ~original;
        a.put(0, Float.intBitsToFloat(original));
        return same;
    }

    /**
     * Runs a kernel over every element: copies each chunk of the arrays in, zeroes that chunk of
     * {@code zero} once the gradient is read, applies the kernel, and copies the weight and state
     * back.
     *
     * @param grad the gradient, read
     * @param zero the buffer to zero after reading (the parameter's gradient), or null
     * @param weight the weight, read and written
     * @param first the first state array, or null
     * @param second the second state array, or null
     * @param kernel the update
     */
    static void run(
            FloatBuffer grad,
            FloatBuffer zero,
            FloatBuffer weight,
            FloatBuffer first,
            FloatBuffer second,
            Kernel kernel) {
        int size = weight.capacity();
        int blocks = (size + BLOCK - 1) / BLOCK;
        if (blocks <= 1) {
            block(grad, zero, weight, first, second, kernel, 0, size);
        } else {
            IntStream.range(0, blocks).parallel().forEach(b -> block(
                    grad, zero, weight, first, second, kernel, b * BLOCK, Math.min(size, (b + 1) * BLOCK)));
        }
    }

    private static void block(
            FloatBuffer grad,
            FloatBuffer zero,
            FloatBuffer weight,
            FloatBuffer first,
            FloatBuffer second,
            Kernel kernel,
            int from,
            int to) {
        Chunk c = SCRATCH.get();
        for (int offset = from; offset < to; offset += CHUNK) {
            int n = Math.min(CHUNK, to - offset);
            grad.get(offset, c.grad, 0, n);
            if (zero != null) {
                zero.put(offset, ZEROS, 0, n);
            }
            weight.get(offset, c.weight, 0, n);
            if (first != null) {
                first.get(offset, c.first, 0, n);
            }
            if (second != null) {
                second.get(offset, c.second, 0, n);
            }
            kernel.apply(c, n);
            weight.put(offset, c.weight, 0, n);
            if (first != null) {
                first.put(offset, c.first, 0, n);
            }
            if (second != null) {
                second.put(offset, c.second, 0, n);
            }
        }
    }

    /**
     * The gradient the update uses, in place: rescaled, clipped, and with coupled decay added,
     * each step skipped when it is the identity, as {@link MuOptimizer#effectiveGradient} does.
     *
     * @param g the gradient chunk
     * @param w the weight chunk
     * @param n the number of elements
     * @param rescale the gradient rescale factor
     * @param clip the clip bound, or a non-positive number for none
     * @param coupledDecay the coupled weight decay, or 0 for none
     */
    static void effectiveGradient(float[] g, float[] w, int n, float rescale, float clip, float coupledDecay) {
        if (rescale != 1f) {
            for (int i = 0; i < n; i++) {
                g[i] = g[i] * rescale;
            }
        }
        if (clip > 0) {
            for (int i = 0; i < n; i++) {
                g[i] = Math.min(Math.max(g[i], -clip), clip);
            }
        }
        if (coupledDecay != 0f) {
            for (int i = 0; i < n; i++) {
                g[i] = g[i] + w[i] * coupledDecay;
            }
        }
    }
}
