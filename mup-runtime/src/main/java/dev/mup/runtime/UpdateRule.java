package dev.mup.runtime;

/**
 * The family of optimizer, which decides how μP scales learning rates: Adam-like optimizers
 * normalize the gradient, so their learning rates scale differently from SGD's.
 */
public enum UpdateRule {
    /**
     * Adam and AdamW: hidden learning rates shrink like {@code 1 / m_in}. Also the family of
     * {@link MuLion}, whose sign update is normalized like Adam's.
     */
    ADAM,
    /** SGD, with or without momentum: learning rates scale like {@code m_out / m_in}. */
    SGD
}
