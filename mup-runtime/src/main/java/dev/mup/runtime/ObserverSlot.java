package dev.mup.runtime;

import ai.djl.ndarray.NDArray;

/**
 * Where a μP block keeps the coordinate check's observer. Empty in normal training, so a forward
 * pass pays one volatile read for it.
 */
final class ObserverSlot {

    private volatile ActivationObserver observer;
    private volatile String name = "";

    /** Sets or clears the observer and the name it reports under. */
    void set(String name, ActivationObserver observer) {
        this.name = name;
        this.observer = observer;
    }

    /** Reports an output under the slot's name followed by {@code suffix}, if observed. */
    void report(String suffix, NDArray output) {
        ActivationObserver o = observer;
        if (o != null) {
            o.observe(name + suffix, output);
        }
    }
}
