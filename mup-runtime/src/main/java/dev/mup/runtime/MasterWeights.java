package dev.mup.runtime;

import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

/**
 * The check that a μP optimizer updates full-precision weights. In float16, μP's per-parameter
 * updates (the learning rate divided by a width multiplier, Adam's ratio of moments) round to
 * nothing next to the weights, and Adam's second moment over- and underflows, so that training
 * goes to NaN within steps. Half-precision compute belongs in
 * {@code dev.mup.runtime.precision.Precision.FP16}, which keeps float32 master weights.
 */
final class MasterWeights {

    private MasterWeights() {}

    /**
     * Refuses a model with a half-precision parameter.
     *
     * @param model the model an optimizer is built for
     * @param optimizer the optimizer's name, for the message
     * @throws IllegalArgumentException naming the first float16 or bfloat16 parameter and what
     *     to do instead
     */
    static void requireFullPrecision(Block model, String optimizer) {
        for (Pair<String, Parameter> pair : model.getParameters()) {
            Parameter parameter = pair.getValue();
            if (!parameter.isInitialized()) {
                continue;
            }
            DataType type = parameter.getArray().getDataType();
            if (type == DataType.FLOAT16 || type == DataType.BFLOAT16) {
                throw new IllegalArgumentException(optimizer + " does not update " + type
                        + " master weights: parameter '" + pair.getKey() + "' of "
                        + model.getClass().getSimpleName() + " is " + type + ", in which μP's small"
                        + " per-parameter updates round away and Adam's moments overflow (training"
                        + " reaches NaN). Initialize the model in DataType.FLOAT32 and train it in"
                        + " mixed precision with Precision.FP16.apply(model)"
                        + " (dev.mup.runtime.precision: float16 compute, float32 master weights and"
                        + " optimizer state, loss scaling).");
            }
        }
    }
}
