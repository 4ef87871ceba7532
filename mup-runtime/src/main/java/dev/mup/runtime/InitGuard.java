package dev.mup.runtime;

import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Keeps initializers set by the user out of a μP model. DJL lets a user replace the initializer
 * of any parameter ({@code Block.setInitializer} by type, name or predicate, on the model or a
 * child block; {@code Parameter.setInitializer}; a training config's {@code optInitializer},
 * which DJL's trainer sets on the model); on a μP layer such an initializer would draw with a std
 * that does not follow the width while the μP report prints μP's. This guard refuses it, before
 * it draws where μP sees the draw coming (the initialization of μP's own blocks and every μP draw
 * check the whole model), and otherwise (DJL's own {@code Embedding} and {@code LayerNorm} drawn
 * last) when the μP table is asked for (report, optimizer) or on the first training pass.
 *
 * <p>An initializer that draws nothing is harmless and not refused: one set after μP drew the
 * parameter (DJL's trainer sets the config's initializers on an initialized model), or on a model
 * whose weights were loaded.
 */
final class InitGuard {

    private final String modelName;
    private final List<MuLayer> layers = new CopyOnWriteArrayList<>();
    private volatile boolean loaded;

    InitGuard(String modelName) {
        this.modelName = modelName;
    }

    /** Adds a layer of the model. */
    void add(MuLayer layer) {
        layers.add(layer);
        layer.guard(this);
    }

    /** Records that the model's saved weights were loaded: its values are not drawn. */
    void loaded() {
        loaded = true;
    }

    /**
     * Checks every parameter of every layer of the model.
     *
     * @throws IllegalStateException naming the first parameter whose values a user's initializer
     *     draws or drew
     */
    void check() {
        for (MuLayer layer : layers) {
            check(layer);
        }
    }

    /**
     * Checks the parameters of one layer.
     *
     * @param layer a layer of the model
     * @throws IllegalStateException naming the first parameter whose values a user's initializer
     *     draws or drew
     */
    void check(MuLayer layer) {
        for (Parameter p : layer.parameters()) {
            Initializer initializer = p.getInitializer();
            if (initializer instanceof MuInitializer) {
                continue;
            }
            if (p.isInitialized() && (layer.drewArray(p.getName(), p.getArray()) || loaded)) {
                continue;
            }
            throw refusal(layer.field() + "." + p.getName(), initializer, p.isInitialized());
        }
    }

    private IllegalStateException refusal(String parameter, Initializer initializer, boolean drawn) {
        String by = initializer == null ? "no initializer" : initializer.getClass().getName();
        return new IllegalStateException(
                modelName + "." + parameter + (drawn ? " was drawn by " : " would be drawn by ") + by
                        + ", set by Block.setInitializer, Parameter.setInitializer or a training config's"
                        + " optInitializer, instead of by μP, whose init std depends on the width (the"
                        + " μP report would not match the values). Set the initialization at base width"
                        + " with MuOptions.builder().initMode(...) instead, e.g."
                        + " initMode(InitMode.parse(\"normal:0.02\")) (also uniform, trunc-normal,"
                        + " xavier-*, kaiming-*), and μP scales it for the width; remove the"
                        + " setInitializer/optInitializer call (one made after model.initialize draws"
                        + " nothing and is allowed).");
    }
}
