package dev.mup.runtime.precision;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterServer;
import ai.djl.training.ParameterStore;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The parameter store one forward pass of a {@link MixedPrecision} model sees: for every float
 * parameter a block asks for, a copy in the compute type, made once per pass (a parameter shared
 * by two blocks, like a tied embedding, is one copy, whose gradient sums both uses).
 *
 * <p>DJL's cast ({@code NDArray.toType}) runs without recording gradients, so in a training pass
 * each copy is made by copying the weight into a float16 array ({@code NDArray.set}), which
 * PyTorch records: back-propagation carries the copy's float16 gradient onto the float32 weight,
 * converted to float32, as for any other operation. So a plain DJL loop ({@code
 * collector.backward(loss)}, {@code trainer.step()}, as in {@code EasyTrain}) finds the gradients
 * where its optimizer looks. The wrapper is told of each weight a training pass copies, to unscale
 * its gradient after a loss-scaled backward pass. Copies belong to the pass's manager (that of its
 * inputs), so that they are freed with the pass's other arrays, not kept with the weights.
 */
final class WorkingCopies extends ParameterStore {

    /** Every element of an array, along its first axis (parameters have at least one). */
    private static final NDIndex ALL = new NDIndex(":");

    private final ParameterStore weights;
    private final DataType computeType;
    private final NDManager owner;
    private final Consumer<NDArray> trainingWeight;
    private final Map<String, NDArray> copies = new HashMap<>();

    /**
     * A view of a store for one pass.
     *
     * @param weights the store the trainer passed in, holding the float32 weights
     * @param computeType the type the copies are made in
     * @param owner the manager the copies belong to
     * @param trainingWeight told of each weight whose gradient a training pass computes
     */
    WorkingCopies(
            ParameterStore weights,
            DataType computeType,
            NDManager owner,
            Consumer<NDArray> trainingWeight) {
        super(weights.getManager(), false);
        this.weights = weights;
        this.computeType = computeType;
        this.owner = owner;
        this.trainingWeight = trainingWeight;
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
            if (training && parameter.requiresGradient()) {
                NDArray copy = owner.zeros(weight.getShape(), computeType, weight.getDevice());
                copy.set(ALL, weight);
                trainingWeight.accept(weight);
                return copy;
            }
            NDArray copy = weight.toType(computeType, false);
            copy.attach(owner);
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
