package dev.mup.runtime.precision;

/**
 * Dynamic loss scaling: the loss is multiplied by a power of two before back-propagation so that
 * small gradients stay representable in float16 (whose smallest normal value is about 6e-5), and
 * the gradients are divided by it again in float32. When a step's gradients overflow, the step is
 * skipped and the scale halved; after a run of finite steps it is doubled again, so that it stays
 * near the largest value that does not overflow. The constants are the usual ones (those of
 * PyTorch's {@code GradScaler}).
 */
final class LossScale {

    /** The first scale, 2^16. */
    static final float INITIAL = 65536f;
    /** Consecutive finite steps after which the scale doubles. */
    static final int GROWTH_INTERVAL = 2000;

    private float value = INITIAL;
    private int finiteSteps;
    private long skippedSteps;

    /**
     * The current scale.
     *
     * @return a power of two
     */
    float value() {
        return value;
    }

    /**
     * How many steps were skipped because their gradients overflowed.
     *
     * @return the count since the model was wrapped
     */
    long skippedSteps() {
        return skippedSteps;
    }

    /** Records a step whose gradients were finite, and was taken. */
    void finite() {
        if (++finiteSteps >= GROWTH_INTERVAL) {
            finiteSteps = 0;
            if (value * 2f < Float.POSITIVE_INFINITY) {
                value *= 2f;
            }
        }
    }

    /** Records a step whose gradients overflowed, and was skipped. */
    void overflowed() {
        finiteSteps = 0;
        skippedSteps++;
        // a model whose gradients overflow even unscaled has diverged: its losses say so, and
        // the scale must not reach zero, which would turn every gradient into NaN
        value = Math.max(value / 2f, Float.MIN_NORMAL);
    }
}
