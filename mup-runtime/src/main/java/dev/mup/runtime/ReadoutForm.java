package dev.mup.runtime;

/**
 * Where the readout's {@code 1/fanInMultiplier} goes.
 *
 * <p>Both forms train identically in exact arithmetic (Tensor Programs V, Table 3): a parameter
 * with forward multiplier {@code A}, init std {@code B} and learning rate {@code C} is equivalent
 * to one with {@code A·θ}, {@code B/θ} and {@code C/θ} (Adam) or {@code C/θ²} (SGD). With
 * {@code θ = fanInMultiplier} on the readout the width-dependent forward multiplier disappears.
 */
public enum ReadoutForm {
    /**
     * mup's form, the default: the readout input is multiplied by {@code α_out / m_in} in the
     * forward pass; init std and Adam learning rate stay constant in width.
     */
    FORWARD_MULTIPLIER,
    /**
     * The equivalent form without a width-dependent forward multiplier: readout init std
     * {@code σ / m_in}, Adam learning rate {@code η / m_in}, SGD learning rate {@code η / m_in};
     * only the constant {@code α_out} remains in the forward pass. Not bit-identical under Adam's
     * epsilon, and not usable with a tied embedding.
     */
    NO_FORWARD_MULTIPLIER
}
