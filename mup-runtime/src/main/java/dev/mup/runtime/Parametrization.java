package dev.mup.runtime;

/**
 * Which parametrization a generated model uses. The same generated class serves both, so a μP
 * model and its standard baseline differ only in this option.
 */
public enum Parametrization {
    /** Maximal Update Parametrization: init, multipliers and learning rates follow the width. */
    MUP,
    /**
     * The standard parametrization: every width multiplier is ignored (treated as 1), init
     * scales come from the actual fans, and every parameter gets the global learning rate.
     */
    SP
}
