package dev.mup.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.initializer.Initializer;

/**
 * Draws one parameter of an annotated layer the way {@link MuRule#initSpec} says. Installed on
 * every parameter of every annotated layer by the generated constructor; DJL calls it only for
 * parameters that have no array yet, so loading saved weights never rescales them again.
 */
final class MuInitializer implements Initializer {

    private final MuRule rule;
    private final MuLayer layer;
    private final String parameterName;

    MuInitializer(MuRule rule, MuLayer layer, String parameterName) {
        this.rule = rule;
        this.layer = layer;
        this.parameterName = parameterName;
    }

    @Override
    public NDArray initialize(NDManager manager, Shape shape, DataType dataType) {
        // an initializer the user set elsewhere in the model is refused before anything more is drawn
        layer.checkModelInitializers();
        NDArray array = draw(manager, shape, dataType);
        layer.drew(parameterName, array);
        return array;
    }

    private NDArray draw(NDManager manager, Shape shape, DataType dataType) {
        InitSpec spec = rule.initSpec(layer.describe(parameterName, shape));
        float std = (float) spec.std();
        switch (spec.distribution()) {
            case CONSTANT:
                return manager.full(shape, (float) spec.constant(), dataType);
            case UNIFORM:
                float bound = (float) (Math.sqrt(3.0) * spec.std());
                return manager.randomUniform(-bound, bound, shape, dataType);
            case NORMAL:
                return manager.randomNormal(0f, std, shape, dataType);
            case TRUNCATED_NORMAL:
                return manager.truncatedNormal(0f, std, shape, dataType);
            default:
                throw new IllegalStateException("unhandled distribution " + spec.distribution());
        }
    }
}
