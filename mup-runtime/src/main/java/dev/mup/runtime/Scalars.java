package dev.mup.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Multiplication by a constant that is safe inside a forward pass recorded for backward.
 *
 * <p>Why not {@code x.mul(float)}: on DJL's PyTorch engine that call wraps the number in a
 * tensor whose memory is a Java direct buffer ({@code torch::from_blob}), multiplies, and closes
 * the wrapper at once. Autograd keeps the scalar tensor for the backward pass (the gradient of
 * {@code x · s} with respect to {@code x} is {@code grad · s}), but nothing on the Java side keeps
 * the buffer: once the garbage collector frees it, backward reads freed memory. Most of the time
 * the old value is still there; when the memory has been reused, gradients come out wrong or NaN.
 * A collection between forward and backward is enough (forcing one there turns every training
 * step into NaN). Here the scalar is made by the engine ({@code full}), so the engine owns its
 * memory and the autograd graph keeps it alive for as long as it needs it.
 */
public final class Scalars {

    private Scalars() {}

    /**
     * {@code x · factor}, differentiable, with the factor held in engine-owned memory.
     *
     * @param x the array
     * @param factor the constant
     * @return a new array; {@code x} itself is left unchanged
     */
    public static NDArray times(NDArray x, float factor) {
        try (NDArray scalar = x.getManager().full(new Shape(), factor, x.getDataType())) {
            return x.mul(scalar);
        }
    }
}
