package dev.mup.runtime.precision;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterServer;
import ai.djl.training.ParameterStore;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The parameter store one forward pass of a {@link MixedPrecision} model sees: for every float
 * parameter a block asks for, a copy in the compute type, made once per pass (a parameter shared
 * by two blocks, like a tied embedding, is one copy, whose gradient sums both uses).
 *
 * <p>DJL's cast runs without recording gradients, so in a training pass each copy is made a leaf
 * that collects its own gradient; the wrapper is told of each (weight, copy) pair and moves the
 * gradient onto the weight after back-propagation. Copies belong to the pass's manager (that of
 * its inputs), so that they are freed with the pass's other arrays, not kept with the weights.
 */
final class WorkingCopies extends ParameterStore {

    private final ParameterStore weights;
    private final DataType computeType;
    private final NDManager owner;
    private final BiConsumer<NDArray, NDArray> trainingCopy;
    private final Map<String, NDArray> copies = new HashMap<>();

    /**
     * A view of a store for one pass.
     *
     * @param weights the store the trainer passed in, holding the float32 weights
     * @param computeType the type the copies are made in
     * @param owner the manager the copies belong to
     * @param trainingCopy told of each (weight, copy) pair whose gradient a training pass needs
     */
    WorkingCopies(
            ParameterStore weights,
            DataType computeType,
            NDManager owner,
            BiConsumer<NDArray, NDArray> trainingCopy) {
        super(weights.getManager(), false);
        this.weights = weights;
        this.computeType = computeType;
        this.owner = owner;
        this.trainingCopy = trainingCopy;
    }

    @Override
    public NDArray getValue(Parameter parameter, Device device, boolean training) {
        if (parameter == null) {
            return null;
        }
        NDArray weight = weights.getValue(parameter, device, training);
        DataType type = weight.getDataType();
        if (!type.isFloating() || type == computeType) {
            return weight;
        }
        return copies.computeIfAbsent(parameter.getId() + '@' + device, k -> {
            NDArray copy = weight.toType(computeType, false);
            copy.attach(owner);
            if (training && parameter.requiresGradient()) {
                copy.setRequiresGradient(true);
                trainingCopy.accept(weight, copy);
            }
            return copy;
        });
    }

    @Override
    public NDManager getManager() {
        return weights.getManager();
    }

    @Override
    public void updateAllParameters() {
        weights.updateAllParameters();
    }

    @Override
    public void sync() {
        weights.sync();
    }

    @Override
    public void setParameterServer(ParameterServer parameterServer, Device[] devices) {
        throw new UnsupportedOperationException(
                "the float16 copies of one forward pass have no parameter server: set it on the"
                        + " trainer's parameter store");
    }
}
