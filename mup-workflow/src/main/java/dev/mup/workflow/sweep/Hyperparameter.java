package dev.mup.workflow.sweep;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The hyperparameters a sweep can search, with the value a trial uses when a sweep leaves one
 * out. Learning rates are searched on a log2 scale, as μTransfer plots show them.
 */
public enum Hyperparameter {
    /** log2 of the global learning rate. */
    LOG2_LR("log2Lr", -8, Double.NEGATIVE_INFINITY),
    /** Base standard deviation of the init ({@code normal:S} init mode); 0 keeps DJL's default init. */
    INIT_STD("initStd", 0, 0),
    /** α_out, the readout's output multiplier. */
    OUTPUT_MULTIPLIER("outputMultiplier", 1, Double.MIN_VALUE),
    /** α_attn, the attention logit multiplier (GPT only); 0 keeps the default that makes the base model SP. */
    ATTENTION_MULTIPLIER("attentionMultiplier", 0, 0),
    /** Steps of linear learning-rate warm-up from 0. */
    WARMUP_STEPS("warmupSteps", 0, 0),
    /** Weight decay (coupled for Adam and SGD, decoupled for AdamW). */
    WEIGHT_DECAY("weightDecay", 0, 0);

    private final String key;
    private final double defaultValue;
    private final double minimum;

    Hyperparameter(String key, double defaultValue, double minimum) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.minimum = minimum;
    }

    /**
     * The name used on the command line and in stores.
     *
     * @return e.g. {@code log2Lr}
     */
    public String key() {
        return key;
    }

    /**
     * The value a trial uses when the sweep does not search this hyperparameter.
     *
     * @return the default
     */
    public double defaultValue() {
        return defaultValue;
    }

    /**
     * Checks a value.
     *
     * @param value the value
     * @return the value
     * @throws IllegalArgumentException naming the hyperparameter and its valid range
     */
    public double check(double value) {
        if (!Double.isFinite(value) || value < minimum
                || (this == WARMUP_STEPS && value != Math.rint(value))) {
            String range = this == LOG2_LR ? "finite"
                    : this == WARMUP_STEPS ? "a whole number ≥ 0"
                    : minimum == 0 ? "≥ 0" : "> 0";
            throw new IllegalArgumentException(key + " must be " + range + ", got " + value);
        }
        return value;
    }

    /**
     * Finds a hyperparameter by its key.
     *
     * @param key e.g. {@code log2Lr}
     * @return the hyperparameter
     * @throws IllegalArgumentException listing the known keys
     */
    public static Hyperparameter of(String key) {
        for (Hyperparameter h : values()) {
            if (h.key.equals(key.trim())) {
                return h;
            }
        }
        throw new IllegalArgumentException("Unknown hyperparameter '" + key + "': use one of "
                + Arrays.stream(values()).map(Hyperparameter::key).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return key;
    }
}
