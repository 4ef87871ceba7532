package dev.mup.examples.bench;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * The thread counts the engine actually uses, for the record of a run: set by
 * {@code -Dai.djl.pytorch.num_threads} and {@code -Dai.djl.pytorch.num_interop_threads}, or
 * chosen by libtorch when they are not. Engines other than PyTorch have no such query here, so
 * their counts are unknown ({@code null}).
 */
final class EngineThreads {

    private EngineThreads() {}

    private static boolean pytorch() {
        return "PyTorch".equals(Engine.getInstance().getEngineName());
    }

    /**
     * Intra-op threads.
     *
     * @return the count, or {@code null} if unknown
     */
    static Integer intraOp() {
        return pytorch() ? JniUtils.getNumThreads() : null;
    }

    /**
     * Inter-op threads.
     *
     * @return the count, or {@code null} if unknown
     */
    static Integer interOp() {
        return pytorch() ? JniUtils.getNumInteropThreads() : null;
    }
}
