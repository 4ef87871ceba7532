package dev.mup.workflow.sweep;

import ai.djl.engine.Engine;
import java.lang.reflect.Method;
import java.util.OptionalInt;

/**
 * The engine's intra-op thread count, per Java thread where the engine allows it.
 *
 * <p>DJL 0.35.1 has no engine-neutral call for this; its PyTorch engine exposes libtorch's
 * {@code at::set_num_threads} as {@code ai.djl.pytorch.jni.JniUtils.setNumThreads} (and reads
 * {@code -Dai.djl.pytorch.num_threads} once, at engine start). In the CPU build of libtorch
 * (OpenMP, MKL) that call sets the thread count of the calling thread's parallel regions
 * (OpenMP's {@code nthreads} and MKL's thread-local count) and the process-wide default that
 * threads which have not yet run an operation start from; a thread that already ran one keeps
 * its own count. So a sweep worker thread that sets its count before its first operation trains
 * with that many threads whatever its neighbours set. This is measured, not documented:
 * {@code ParallelSweepTest} checks the count seen by each thread.
 *
 * <p>Reached by reflection, so that mup-workflow does not depend on the PyTorch engine; for
 * other engines the calls do nothing and report nothing.
 */
public final class EngineThreads {

    private static final String JNI_UTILS = "ai.djl.pytorch.jni.JniUtils";

    private EngineThreads() {}

    /**
     * The calling thread's intra-op thread count.
     *
     * @return it, or empty when the engine is not PyTorch
     */
    public static OptionalInt intraOp() {
        Method get = method("getNumThreads");
        if (get == null) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of((Integer) get.invoke(null));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read the PyTorch thread count: " + e, e);
        }
    }

    /**
     * Sets the calling thread's intra-op thread count (and the default of threads that start
     * later).
     *
     * @param threads at least 1
     * @return whether the engine took it (false for engines other than PyTorch)
     * @throws IllegalArgumentException when threads is below 1
     */
    public static boolean setIntraOp(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads per trial must be at least 1, got " + threads);
        }
        Method set = method("setNumThreads", int.class);
        if (set == null) {
            return false;
        }
        try {
            set.invoke(null, threads);
            return true;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot set the PyTorch thread count: " + e, e);
        }
    }

    private static Method method(String name, Class<?>... parameters) {
        if (!"PyTorch".equals(Engine.getInstance().getEngineName())) {
            return null;
        }
        try {
            return Class.forName(JNI_UTILS, true, Engine.getInstance().getClass().getClassLoader())
                    .getMethod(name, parameters);
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }
}
