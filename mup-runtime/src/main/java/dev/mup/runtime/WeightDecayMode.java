package dev.mup.runtime;

/** How weight decay enters the update, which decides how μP scales it. */
public enum WeightDecayMode {
    /**
     * L2 regularization added to the gradient ({@code g += wd · w}), as in PyTorch's
     * {@code Adam(weight_decay=…)} and {@code SGD(weight_decay=…)}. mup rescales it with the
     * learning rate.
     */
    COUPLED,
    /**
     * Decoupled decay {@code w -= lr · wd · w} (PyTorch's AdamW, mup's {@code decoupled_wd=True}):
     * mup leaves {@code wd} unscaled, so the applied decay shrinks with the μP learning rate.
     */
    DECOUPLED,
    /**
     * Independent decay {@code w -= wd · w}, not multiplied by the learning rate: the applied
     * decay is the same at every width (Lingle 2024 reports it transfers better).
     */
    INDEPENDENT,
    /**
     * Decoupled decay {@code w -= lr · wd · w} with {@code wd} scaled inversely to the width part
     * of the μP learning rate: {@code λ · m_in} on hidden matrices under Adam, so that the applied
     * decay {@code lr · wd} of a hidden matrix is {@code η · λ} at every width, and it still
     * follows the learning-rate schedule. This is the convention of CompleteP (Dey et al. 2025)
     * and of Megatron-LM's μP; unlike {@link #INDEPENDENT} it is a plain AdamW with per-parameter
     * weight decays. The depth factor of the learning rate is not compensated (as in CompleteP).
     */
    DECOUPLED_SCALED
}
