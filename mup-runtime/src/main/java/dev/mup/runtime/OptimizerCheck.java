package dev.mup.runtime;

import ai.djl.training.LocalParameterServer;
import ai.djl.training.ParameterServer;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import java.lang.reflect.Field;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.helpers.NOPLoggerFactory;

/**
 * Looks, on the first training forward pass through a μP model's readout with a new
 * {@link ParameterStore}, at the optimizer of that store's parameter server (through a store that
 * delegates to another, as mixed precision's does), and warns once per model when it is not a
 * {@link MuOptimizer}; it also has the {@link InitGuard} refuse values a user's initializer drew.
 * A DJL optimizer is warned about because it gives every parameter the same
 * learning rate, which is the standard parametrization's and does not transfer across widths.
 *
 * <p>The warning goes to SLF4J when it has a provider and to the standard error stream otherwise,
 * so that it is seen either way. DJL does not expose a store's optimizer: it is read from the
 * private fields of {@code ParameterStore} and {@code LocalParameterServer} (the server every
 * DJL engine on the JVM uses); when they cannot be read, nothing is checked.
 */
final class OptimizerCheck {

    private static final Logger LOGGER = LoggerFactory.getLogger(OptimizerCheck.class);
    private static final Field SERVER = field(ParameterStore.class, "parameterServer");
    private static final Field OPTIMIZER = field(LocalParameterServer.class, "optimizer");

    private final String modelName;
    private final InitGuard initGuard;
    private final AtomicBoolean warned = new AtomicBoolean();
    private volatile ParameterStore checked;

    OptimizerCheck(String modelName, InitGuard initGuard) {
        this.modelName = modelName;
        this.initGuard = initGuard;
    }

    /**
     * Checks the optimizer behind a store once; costs one comparison on later passes.
     *
     * @param store the store of a training forward pass
     */
    void look(ParameterStore store) {
        if (store == checked || store == null) {
            return;
        }
        // values a user's initializer drew where μP could not see it (DJL's own blocks) are
        // refused before training on them
        initGuard.check();
        checked = store;
        Optimizer optimizer = optimizerOf(store);
        if (optimizer != null && !(optimizer instanceof MuOptimizer) && warned.compareAndSet(false, true)) {
            warn(optimizer);
        }
    }

    private void warn(Optimizer optimizer) {
        String message = modelName + " is trained with " + optimizer.getClass().getName()
                + ", which is not a μP optimizer: every parameter gets the same learning rate (the"
                + " standard parametrization's), so tuned hyperparameters do not transfer across"
                + " widths. Use the model's own optimizer: model.adam(lr).build(),"
                + " model.adamW(lr, wd).build() or model.sgd(lr).build().";
        if (LoggerFactory.getILoggerFactory() instanceof NOPLoggerFactory) {
            System.err.println("WARNING: " + message);
        } else {
            LOGGER.warn(message);
        }
    }

    private static Optimizer optimizerOf(ParameterStore store) {
        if (SERVER == null || OPTIMIZER == null) {
            return null;
        }
        try {
            ParameterServer server = (ParameterServer) SERVER.get(store);
            if (server == null) {
                // a store that delegates to another (mixed precision's working copies)
                ParameterStore inner = innerStore(store);
                return inner == null ? null : optimizerOf(inner);
            }
            if (!(server instanceof LocalParameterServer)) {
                return null;
            }
            return (Optimizer) OPTIMIZER.get(server);
        } catch (IllegalAccessException | ClassCastException e) {
            return null;
        }
    }

    private static ParameterStore innerStore(ParameterStore store) {
        for (Field f : store.getClass().getDeclaredFields()) {
            if (ParameterStore.class.isAssignableFrom(f.getType())) {
                try {
                    f.setAccessible(true);
                    Object inner = f.get(store);
                    return inner == store ? null : (ParameterStore) inner;
                } catch (IllegalAccessException | RuntimeException e) {
                    return null;
                }
            }
        }
        return null;
    }

    private static Field field(Class<?> type, String name) {
        try {
            Field f = type.getDeclaredField(name);
            f.setAccessible(true);
            return f;
        } catch (NoSuchFieldException | RuntimeException e) {
            return null;
        }
    }
}
