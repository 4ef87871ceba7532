package dev.mup.examples.bench;

/**
 * The model FLOPs of one training step of the example GPT, counted analytically from its
 * matrix multiplications, so the rate does not depend on how an engine implements them.
 *
 * <p>With batch {@code B}, sequence {@code T}, width {@code d}, feed-forward size {@code 4d},
 * {@code L} blocks and vocabulary {@code V}, one forward pass multiplies, per block:
 *
 * <ul>
 *   <li>the query, key, value and output projections: {@code 4 · 2·B·T·d·d};
 *   <li>the attention logits {@code q·kᵀ} over all heads: {@code 2·B·T·T·d};
 *   <li>the attention weights by the values: {@code 2·B·T·T·d};
 *   <li>the feed-forward layer, up and down: {@code 2 · 2·B·T·d·4d};
 * </ul>
 *
 * <p>that is {@code 24·B·T·d² + 4·B·T²·d} per block, plus {@code 2·B·T·d·V} for the readout.
 * The backward pass costs twice the forward (one product for the gradient of the input, one for
 * the weight), so a training step is
 *
 * <pre>
 * FLOPs = 3 · (L · (24·B·T·d² + 4·B·T²·d) + 2·B·T·d·V)
 * </pre>
 *
 * <p>The full {@code T×T} logits are counted although half are masked, because the attention
 * computes them all. Embedding look-ups, LayerNorm, GELU, softmax, the loss and the optimizer
 * update are element-wise work, left out as is usual for model FLOPs.
 */
public final class GptFlops {

    private GptFlops() {}

    /**
     * FLOPs of one training step (forward, backward).
     *
     * @param layers blocks {@code L}
     * @param width model dimension {@code d}
     * @param sequence sequence length {@code T}
     * @param batch batch size {@code B}
     * @param vocabulary vocabulary size {@code V}
     * @return the count
     */
    public static long trainingStep(int layers, int width, int sequence, int batch, int vocabulary) {
        long bt = (long) batch * sequence;
        long d = width;
        long perBlock = 24 * bt * d * d + 4 * bt * sequence * d;
        long forward = layers * perBlock + 2 * bt * d * vocabulary;
        return 3 * forward;
    }
}
