package dev.mup.examples.bench;

import java.util.List;

/**
 * What the training-step benchmark runs: the example GPT's shape (blocks, head size, sequence
 * length, batch) at each width, and how many steps are warm-up and how many are timed.
 *
 * @param widths model dimensions to time, each a positive multiple of {@code headSize}
 * @param layers transformer blocks
 * @param headSize attention head size (fixed: heads grow with width, as in the example GPT)
 * @param sequence characters per sequence, also the context the positions embed
 * @param batch sequences per step
 * @param warmup untimed steps per variant before timing (may be 0)
 * @param steps timed steps per variant
 */
public record BenchSettings(
        List<Integer> widths, int layers, int headSize, int sequence, int batch, int warmup, int steps) {

    /**
     * Checks every value, so that a bad one is refused before any model is built.
     *
     * @throws IllegalArgumentException naming the first bad value and why
     */
    public BenchSettings {
        requirePositive("layers", layers);
        requirePositive("head size", headSize);
        requirePositive("sequence", sequence);
        requirePositive("batch", batch);
        requirePositive("steps", steps);
        if (warmup < 0) {
            throw new IllegalArgumentException("warm-up must be 0 or more, got " + warmup);
        }
        if (widths == null || widths.isEmpty()) {
            throw new IllegalArgumentException("give at least one width");
        }
        for (Integer width : widths) {
            if (width == null || width < headSize) {
                throw new IllegalArgumentException("width " + width + " is smaller than the head size "
                        + headSize + ": a model needs at least one attention head");
            }
            if (width % headSize != 0) {
                throw new IllegalArgumentException("width " + width + " is not a multiple of the head size "
                        + headSize + ": the heads must split the width evenly");
            }
        }
        widths = List.copyOf(widths);
    }

    private static void requirePositive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }
}
