import dev.mup.examples.bench.OptimizerBench;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * What reaching native memory through buffers costs Java 17 in a memory-bound optimizer pass: the
 * SGD-with-momentum update (read the gradient and zero it, b ← 0.9·b + g, w ← w − 0.01·b) over the
 * GPT-shaped parameter set of OptimizerBench (76 arrays, 10.8M floats each for g, w, b), done four
 * ways, on Java's own memory (DJL only lists the shapes; no engine is loaded):
 *
 * <ul>
 *   <li>{@code heap}: float[] arrays, one loop the JIT vectorizes (the best Java can do, but the
 *       engine's arrays are not on the heap);
 *   <li>{@code staged}: direct buffers, each 256-float chunk copied to heap scratch, updated
 *       there, copied back (what HostUpdate does);
 *   <li>{@code floatbuffer}: direct buffers, element by element through FloatBuffer.get/put;
 *   <li>{@code bytebuffer}: direct buffers, element by element through ByteBuffer.getFloat/putFloat.
 * </ul>
 *
 * Each step first writes every gradient (as a backward pass would), then times the update of all
 * arrays, on the calling thread ({@code 1 thread}) or split in blocks of 128K floats over the
 * common fork-join pool ({@code 2 threads}). Medians of 60 steps after 20, in ms.
 *
 * <pre>
 * java -cp examples/target/mup-examples.jar examples/bench/probes/OffHeapPass.java
 * </pre>
 */
public class OffHeapPass {
    private static final int CHUNK = 256;
    private static final int BLOCK = 1 << 17;
    private static final float MU = 0.9f;
    private static final float RATE = 0.01f;
    private static final float[] ZEROS = new float[CHUNK];
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[3][CHUNK]);

    interface Pass {
        void run(int array, int from, int to);
    }

    public static void main(String[] args) {
        int[] sizes = OptimizerBench.gptSet().stream().mapToInt(shape -> (int) shape.size()).toArray();
        int n = sizes.length;
        float[][] hg = new float[n][], hw = new float[n][], hb = new float[n][];
        ByteBuffer[] bg = new ByteBuffer[n], bw = new ByteBuffer[n], bb = new ByteBuffer[n];
        FloatBuffer[] fg = new FloatBuffer[n], fw = new FloatBuffer[n], fb = new FloatBuffer[n];
        long total = 0;
        for (int t = 0; t < n; t++) {
            total += sizes[t];
            hg[t] = new float[sizes[t]];
            hw[t] = new float[sizes[t]];
            hb[t] = new float[sizes[t]];
            bg[t] = direct(sizes[t]);
            bw[t] = direct(sizes[t]);
            bb[t] = direct(sizes[t]);
            fg[t] = bg[t].asFloatBuffer();
            fw[t] = bw[t].asFloatBuffer();
            fb[t] = bb[t].asFloatBuffer();
        }
        System.out.printf(Locale.ROOT, "%d arrays, %.1fM floats each for g, w, b; Java %s, %d cores%n",
                n, total / 1e6, System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
        String[] names = {"heap", "staged", "floatbuffer", "bytebuffer"};
        Pass[] passes = {
            (t, from, to) -> heap(hg[t], hw[t], hb[t], from, to),
            (t, from, to) -> staged(fg[t], fw[t], fb[t], from, to),
            (t, from, to) -> floatBuffer(fg[t], fw[t], fb[t], from, to),
            (t, from, to) -> byteBuffer(bg[t], bw[t], bb[t], from, to),
        };
        for (boolean parallel : new boolean[] {false, true}) {
            for (int p = 0; p < passes.length; p++) {
                boolean onHeap = p == 0;
                double[] ms = new double[60];
                for (int step = 0; step < 80; step++) {
                    for (int t = 0; t < n; t++) {
                        if (onHeap) {
                            Arrays.fill(hg[t], 1e-3f);
                        } else {
                            fg[t].put(0, hg[t], 0, sizes[t]); // any values; the pass reads them
                        }
                    }
                    long start = System.nanoTime();
                    for (int t = 0; t < n; t++) {
                        int array = t;
                        int size = sizes[t];
                        int blocks = parallel ? (size + BLOCK - 1) / BLOCK : 1;
                        Pass pass = passes[p];
                        if (blocks == 1) {
                            pass.run(array, 0, size);
                        } else {
                            IntStream.range(0, blocks).parallel().forEach(
                                    k -> pass.run(array, k * BLOCK, Math.min(size, (k + 1) * BLOCK)));
                        }
                    }
                    long end = System.nanoTime();
                    if (step >= 20) {
                        ms[step - 20] = (end - start) / 1e6;
                    }
                }
                Arrays.sort(ms);
                System.out.printf(Locale.ROOT, "%-12s %s  median %5.2f ms  min %5.2f%n",
                        names[p], parallel ? "2 threads" : "1 thread ", (ms[29] + ms[30]) / 2, ms[0]);
            }
        }
    }

    private static ByteBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder());
    }

    private static void heap(float[] g, float[] w, float[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            float m = b[i] * MU + g[i];
            g[i] = 0f;
            b[i] = m;
            w[i] = w[i] - m * RATE;
        }
    }

    private static void staged(FloatBuffer g, FloatBuffer w, FloatBuffer b, int from, int to) {
        float[][] c = SCRATCH.get();
        float[] cg = c[0], cw = c[1], cb = c[2];
        for (int offset = from; offset < to; offset += CHUNK) {
            int k = Math.min(CHUNK, to - offset);
            g.get(offset, cg, 0, k);
            g.put(offset, ZEROS, 0, k);
            w.get(offset, cw, 0, k);
            b.get(offset, cb, 0, k);
            for (int i = 0; i < k; i++) {
                cb[i] = cb[i] * MU + cg[i];
            }
            for (int i = 0; i < k; i++) {
                cw[i] = cw[i] - cb[i] * RATE;
            }
            w.put(offset, cw, 0, k);
            b.put(offset, cb, 0, k);
        }
    }

    private static void floatBuffer(FloatBuffer g, FloatBuffer w, FloatBuffer b, int from, int to) {
        for (int i = from; i < to; i++) {
            float m = b.get(i) * MU + g.get(i);
            g.put(i, 0f);
            b.put(i, m);
            w.put(i, w.get(i) - m * RATE);
        }
    }

    private static void byteBuffer(ByteBuffer g, ByteBuffer w, ByteBuffer b, int from, int to) {
        for (int i = from * Float.BYTES; i < to * Float.BYTES; i += Float.BYTES) {
            float m = b.getFloat(i) * MU + g.getFloat(i);
            g.putFloat(i, 0f);
            b.putFloat(i, m);
            w.putFloat(i, w.getFloat(i) - m * RATE);
        }
    }
}
