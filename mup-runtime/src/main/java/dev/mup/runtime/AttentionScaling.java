package dev.mup.runtime;

/**
 * How attention logits {@code q·kᵀ} are scaled with the head size {@code d_head}, chosen with
 * {@link MuOptions.Builder#attentionScaling}; {@link MuRule#attentionLogitScale} computes the
 * factor. Both choices give the same factor at base width, and the same factor at every width
 * when the head size stays fixed (only the number of heads grows); they differ when the head size
 * grows with the model.
 */
public enum AttentionScaling {
    /**
     * {@code α_attn / d_head}, μP's scale (Tensor Programs V, §4 and Appendix B): the query and
     * key of a trained model are correlated, so {@code q·k} grows like {@code d_head} and only
     * {@code 1/d_head} keeps the logits bounded as heads widen. The default.
     */
    INVERSE_HEAD_SIZE,
    /**
     * {@code α_attn / sqrt(d_head · d_head,base)}, which is {@code 1/sqrt(d_head)} for the default
     * {@code α_attn = sqrt(d_head,base)}: the standard Transformer's scale, kept as a variant
     * (Lingle 2024 compares both). <b>It is not μP when {@code d_head} grows with width</b>: the
     * logits of a trained model then grow like {@code sqrt(d_head)}, and hyperparameters may not
     * transfer. With a fixed head size it is the same as {@link #INVERSE_HEAD_SIZE}.
     */
    INVERSE_SQRT_HEAD_SIZE
}
