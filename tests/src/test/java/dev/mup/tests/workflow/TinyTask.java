package dev.mup.tests.workflow;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.mup.runtime.MuModel;
import dev.mup.runtime.MuOptions;
import dev.mup.workflow.task.MuTask;
import java.util.SplittableRandom;

/**
 * A task as a user writes one, for {@link TinyNet}: Gaussian inputs labelled by a fixed random
 * linear teacher. Widths must be multiples of 8.
 */
public class TinyTask implements MuTask {

    static final int FEATURES = 8;
    static final int CLASSES = 4;

    private final double[][] teacher = new double[FEATURES][CLASSES];

    /** Creates the task. */
    public TinyTask() {
        SplittableRandom random = new SplittableRandom(7);
        for (double[] row : teacher) {
            for (int c = 0; c < CLASSES; c++) {
                row[c] = random.nextGaussian();
            }
        }
    }

    @Override
    public int baseWidth() {
        return 32;
    }

    @Override
    public int batchSize() {
        return 16;
    }

    @Override
    public void checkWidth(int width) {
        if (width <= 0 || width % 8 != 0) {
            throw new IllegalArgumentException("TinyTask widths must be positive multiples of 8, got " + width);
        }
    }

    @Override
    public MuModel model(int width, MuOptions options) {
        return new TinyNetMuP(options, width);
    }

    @Override
    public Shape[] inputShapes(int batch) {
        return new Shape[] {new Shape(batch, FEATURES)};
    }

    @Override
    public NDList[] trainingBatch(NDManager manager, int batch, long seed, int step) {
        return batch(manager, batch, seed * 1_000_003L + step);
    }

    @Override
    public NDList[] validationBatch(NDManager manager, int batch, int index) {
        return batch(manager, batch, -1 - index);
    }

    private NDList[] batch(NDManager manager, int batch, long stream) {
        SplittableRandom random = new SplittableRandom(stream);
        float[] x = new float[batch * FEATURES];
        int[] y = new int[batch];
        for (int b = 0; b < batch; b++) {
            double[] logits = new double[CLASSES];
            for (int i = 0; i < FEATURES; i++) {
                float v = (float) random.nextGaussian();
                x[b * FEATURES + i] = v;
                for (int c = 0; c < CLASSES; c++) {
                    logits[c] += v * teacher[i][c];
                }
            }
            for (int c = 1; c < CLASSES; c++) {
                if (logits[c] > logits[y[b]]) {
                    y[b] = c;
                }
            }
        }
        return new NDList[] {
            new NDList(manager.create(x, new Shape(batch, FEATURES))), new NDList(manager.create(y))
        };
    }
}
