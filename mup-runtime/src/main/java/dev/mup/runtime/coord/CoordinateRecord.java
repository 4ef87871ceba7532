package dev.mup.runtime.coord;

/**
 * One point of a coordinate check: the mean absolute coordinate of a layer's output at a step,
 * averaged over seeds.
 *
 * @param width the model's width
 * @param layer the annotated field, or {@code output} for the model's output
 * @param t the step, 1-based; {@code t = 1} is the forward pass before any update
 * @param l1 the mean of {@code |x|} over the output's coordinates, averaged over seeds
 */
public record CoordinateRecord(int width, String layer, int t, double l1) {}
