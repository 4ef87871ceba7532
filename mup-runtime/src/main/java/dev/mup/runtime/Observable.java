package dev.mup.runtime;

/**
 * A μP block whose output a coordinate check can watch. {@link MuParametrization#observe}
 * attaches one observer to every observable block of a model under the block's declared name.
 */
interface Observable {

    /**
     * Sets or clears the observer of this block's output.
     *
     * @param name the name reported with each output (the declared field or path)
     * @param observer the observer, or {@code null} to stop observing
     */
    void observe(String name, ActivationObserver observer);
}
