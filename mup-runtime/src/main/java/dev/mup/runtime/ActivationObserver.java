package dev.mup.runtime;

import ai.djl.ndarray.NDArray;

/**
 * Sees the output of an annotated layer in each forward pass, as the coordinate check needs.
 * Called on the training thread; the array is valid only during the call.
 */
@FunctionalInterface
public interface ActivationObserver {

    /**
     * Receives one output.
     *
     * @param layer the annotated field that produced it
     * @param output the layer's output
     */
    void observe(String layer, NDArray output);
}
