package dev.mup.tests.support;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import dev.mup.examples.mlp.MlpMuP;
import dev.mup.runtime.MuOptions;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds and inspects example models for tests. */
public final class Models {

    /** Input features of the small test MLP. */
    public static final int FEATURES = 16;
    /** Classes of the small test MLP. */
    public static final int CLASSES = 10;

    private Models() {}

    /**
     * An initialized MLP drawn from a fixed seed.
     *
     * @param manager owns the parameters
     * @param options μP options
     * @param width the width
     * @param seed the engine seed
     * @return the model
     */
    public static MlpMuP mlp(NDManager manager, MuOptions options, int width, int seed) {
        Engine.getInstance().setRandomSeed(seed);
        MlpMuP model = new MlpMuP(options, width, FEATURES, CLASSES);
        model.initialize(manager, DataType.FLOAT32, new Shape(1, FEATURES));
        return model;
    }

    /**
     * Copies of every parameter's values, by DJL path name.
     *
     * @param model the model
     * @return values by name, in the model's order
     */
    public static Map<String, float[]> snapshot(MlpMuP model) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (var pair : model.getParameters()) {
            out.put(pair.getKey(), pair.getValue().getArray().toFloatArray());
        }
        return out;
    }

    /**
     * Overwrites every parameter's values.
     *
     * @param model the model
     * @param values values by DJL path name, as {@link #snapshot} returns them
     */
    public static void load(MlpMuP model, Map<String, float[]> values) {
        for (var pair : model.getParameters()) {
            Parameter p = pair.getValue();
            NDArray array = p.getArray();
            array.set(java.nio.FloatBuffer.wrap(values.get(pair.getKey())));
        }
    }
}
