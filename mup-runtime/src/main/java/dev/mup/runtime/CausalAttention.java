package dev.mup.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The parametrization-free steps of multi-head self-attention (causal by default, or
 * bidirectional with an optional key-padding mask), shared by
 * {@link MuAttention} and by plain (non-μP) attention blocks that must compute the same function:
 * splitting projections into heads, and the masked softmax over already-scaled logits followed by
 * the weighted sum of values, with the heads merged back. How the logits are scaled is the
 * caller's business (μP: {@code α/d_head}; the standard parametrization: {@code 1/√d_head}).
 */
public final class CausalAttention {

    private CausalAttention() {}

    /**
     * {@code (batch, length, heads · headSize)} to {@code (batch, heads, length, headSize)}.
     *
     * @param projected a query, key or value projection
     * @param heads the number of heads
     * @param headSize the size of each head
     * @return the heads
     */
    public static NDArray splitHeads(NDArray projected, long heads, long headSize) {
        Shape shape = projected.getShape();
        return projected.reshape(shape.get(0), shape.get(1), heads, headSize).transpose(0, 2, 1, 3);
    }

    /**
     * {@code softmax(logits + mask) · values} with the heads merged: the causal mask adds 0 where
     * a position may attend and a large negative number where it would look ahead. The mask is
     * built in float32 and then cast (in float16, −1e9 is −inf and {@code 0 · −inf} would be NaN
     * where attending is allowed), through {@link Scalars#times} (see there why not
     * {@code mul(float)}).
     *
     * @param logits scaled attention logits {@code (batch, heads, length, length)}
     * @param values the value heads {@code (batch, heads, length, headSize)}
     * @return the attended values {@code (batch, length, heads · headSize)}
     */
    public static NDArray attend(NDArray logits, NDArray values) {
        return attend(logits, values, true, null);
    }

    /**
     * {@code softmax(logits + mask) · values} with the heads merged, where the mask may be
     * causal, a key-padding mask, both or neither (bidirectional attention, as in an encoder).
     * Masked logits get a large negative number added (−1e9, built in float32 and then cast, as
     * in {@link #attend(NDArray, NDArray)}), so each query attends only to the keys it may see;
     * every query must be able to see at least one key (a sequence made only of padding gets a
     * uniform average, or NaN in float16).
     *
     * @param logits scaled attention logits {@code (batch, heads, length, length)}
     * @param values the value heads {@code (batch, heads, length, headSize)}
     * @param causal whether position {@code i} may attend only to positions {@code j ≤ i}
     * @param keyMask {@code (batch, length)}, 1 for a key to attend to and 0 for padding (any
     *     numeric type), or {@code null} for no padding
     * @return the attended values {@code (batch, length, heads · headSize)}
     * @throws IllegalArgumentException when the key mask is not {@code (batch, length)}
     */
    public static NDArray attend(NDArray logits, NDArray values, boolean causal, NDArray keyMask) {
        Shape shape = values.getShape();
        long batch = shape.get(0);
        long length = shape.get(2);
        long width = shape.get(1) * shape.get(3);
        NDArray masked = logits;
        if (causal) {
            NDArray positions = logits.getManager().arange(0, (int) length, 1, DataType.INT32, logits.getDevice());
            NDArray future = positions.reshape(length, 1).lt(positions.reshape(1, length));
            NDArray maskBias = Scalars.times(future.toType(DataType.FLOAT32, false), -1e9f)
                    .toType(logits.getDataType(), false);
            masked = masked.add(maskBias);
        }
        if (keyMask != null) {
            Shape maskShape = keyMask.getShape();
            if (maskShape.dimension() != 2 || maskShape.get(0) != batch || maskShape.get(1) != length) {
                throw new IllegalArgumentException(
                        "the key-padding mask must have shape (batch, sequence) = (" + batch + ", " + length
                                + "), 1 to keep a key and 0 for padding; got " + maskShape);
            }
            NDArray padding = keyMask.toType(DataType.FLOAT32, false).eq(0).toType(DataType.FLOAT32, false);
            NDArray paddingBias = Scalars.times(padding, -1e9f)
                    .reshape(batch, 1, 1, length)
                    .toType(logits.getDataType(), false);
            masked = masked.add(paddingBias);
        }
        NDArray attended = masked.softmax(-1).matMul(values);
        return attended.transpose(0, 2, 1, 3).reshape(batch, length, width);
    }
}
