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
    INDEPENDENT
}
