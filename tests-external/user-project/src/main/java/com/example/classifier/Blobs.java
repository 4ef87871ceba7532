package com.example.classifier;

import java.util.Random;

/**
 * A synthetic data set: {@code classes} Gaussian blobs in {@code features} dimensions, their
 * centres drawn once from a fixed seed, points drawn around them with unit noise.
 */
public final class Blobs {

    private final int features;
    private final float[][] centres;

    public Blobs(int features, int classes, long seed) {
        this.features = features;
        Random random = new Random(seed);
        centres = new float[classes][features];
        for (float[] centre : centres) {
            for (int i = 0; i < features; i++) {
                centre[i] = (float) (0.5 * random.nextGaussian());
            }
        }
    }

    public int features() {
        return features;
    }

    public int classes() {
        return centres.length;
    }

    /** {@code count} points, row-major {@code count × features}, and their labels; the same for the same seed. */
    public Batch batch(int count, long seed) {
        Random random = new Random(seed);
        float[] x = new float[count * features];
        float[] y = new float[count];
        for (int n = 0; n < count; n++) {
            int label = random.nextInt(centres.length);
            y[n] = label;
            for (int i = 0; i < features; i++) {
                x[n * features + i] = centres[label][i] + (float) random.nextGaussian();
            }
        }
        return new Batch(x, y, count);
    }

    /** Points and labels. */
    public record Batch(float[] inputs, float[] labels, int size) {}
}
