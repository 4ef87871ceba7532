package dev.mup.examples.data;

import java.util.SplittableRandom;

/**
 * A built-in classification task that needs no download: inputs are Gaussian vectors, labels
 * come from a fixed random two-layer "teacher" network. Deterministic for a given seed, learnable
 * by an MLP, and hard enough that a wider student does measurably better.
 */
public final class TeacherTask {

    private static final int TEACHER_WIDTH = 32;

    private final int features;
    private final int classes;
    private final float[] inputs;
    private final int[] labels;

    private TeacherTask(int features, int classes, float[] inputs, int[] labels) {
        this.features = features;
        this.classes = classes;
        this.inputs = inputs;
        this.labels = labels;
    }

    /**
     * Draws a data set.
     *
     * @param samples number of examples; positive
     * @param features input dimension; positive
     * @param classes number of classes; at least 2
     * @param seed the seed of the teacher and of the inputs
     * @return the task
     */
    public static TeacherTask generate(int samples, int features, int classes, long seed) {
        return generate(samples, features, classes, seed, null);
    }

    /**
     * Draws a data set of the teacher of one seed on inputs of another: held-out examples of the
     * same task.
     *
     * @param samples number of examples; positive
     * @param features input dimension; positive
     * @param classes number of classes; at least 2
     * @param seed the seed of the teacher
     * @param inputSeed the seed of the inputs
     * @return the task
     */
    public static TeacherTask generate(int samples, int features, int classes, long seed, long inputSeed) {
        return generate(samples, features, classes, seed, Long.valueOf(inputSeed));
    }

    private static TeacherTask generate(int samples, int features, int classes, long seed, Long inputSeed) {
        if (samples <= 0 || features <= 0 || classes < 2) {
            throw new IllegalArgumentException(
                    "TeacherTask needs samples > 0, features > 0 and classes >= 2, got "
                            + samples + ", " + features + ", " + classes);
        }
        SplittableRandom random = new SplittableRandom(seed);
        double[][] first = gaussian(random, features, TEACHER_WIDTH, 1.0 / Math.sqrt(features));
        double[][] second = gaussian(random, TEACHER_WIDTH, classes, 1.0 / Math.sqrt(TEACHER_WIDTH));
        SplittableRandom draws = inputSeed == null ? random : new SplittableRandom(inputSeed);
        float[] x = new float[samples * features];
        int[] y = new int[samples];
        double[] hidden = new double[TEACHER_WIDTH];
        for (int n = 0; n < samples; n++) {
            for (int i = 0; i < features; i++) {
                x[n * features + i] = (float) draws.nextGaussian();
            }
            for (int h = 0; h < TEACHER_WIDTH; h++) {
                double sum = 0;
                for (int i = 0; i < features; i++) {
                    sum += x[n * features + i] * first[i][h];
                }
                hidden[h] = Math.tanh(sum);
            }
            int best = 0;
            double bestLogit = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                double logit = 0;
                for (int h = 0; h < TEACHER_WIDTH; h++) {
                    logit += hidden[h] * second[h][c];
                }
                if (logit > bestLogit) {
                    bestLogit = logit;
                    best = c;
                }
            }
            y[n] = best;
        }
        return new TeacherTask(features, classes, x, y);
    }

    private static double[][] gaussian(SplittableRandom random, int rows, int cols, double std) {
        double[][] m = new double[rows][cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                m[r][c] = random.nextGaussian() * std;
            }
        }
        return m;
    }

    /**
     * Number of examples.
     *
     * @return the size of the data set
     */
    public int size() {
        return labels.length;
    }

    /**
     * Input dimension.
     *
     * @return the number of features
     */
    public int features() {
        return features;
    }

    /**
     * Number of classes.
     *
     * @return the number of classes
     */
    public int classes() {
        return classes;
    }

    /**
     * Copies a batch of inputs, wrapping around the end of the data set.
     *
     * @param start index of the first example
     * @param batch number of examples
     * @return {@code batch × features} values, row-major
     */
    public float[] inputs(int start, int batch) {
        float[] out = new float[batch * features];
        for (int b = 0; b < batch; b++) {
            int n = (start + b) % size();
            System.arraycopy(inputs, n * features, out, b * features, features);
        }
        return out;
    }

    /**
     * Copies a batch of labels, wrapping around the end of the data set.
     *
     * @param start index of the first example
     * @param batch number of examples
     * @return the class of each example
     */
    public int[] labels(int start, int batch) {
        int[] out = new int[batch];
        for (int b = 0; b < batch; b++) {
            out[b] = labels[(start + b) % size()];
        }
        return out;
    }
}
