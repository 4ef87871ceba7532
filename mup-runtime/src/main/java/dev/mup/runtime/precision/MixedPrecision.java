package dev.mup.runtime.precision;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import dev.mup.runtime.Scalars;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.util.PairList;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Mixed-precision training of any DJL block: the weights and the optimizer's state stay float32,
 * the forward and backward passes compute in float16. Wrap an initialized model, set the wrapper
 * on the DJL {@code Model}, and train through {@link TrainingStep}:
 *
 * <pre>{@code
 * model.setBlock(MixedPrecision.wrap(gpt, DataType.FLOAT16));   // or Precision.FP16.apply(gpt)
 * try (GradientCollector collector = trainer.newGradientCollector()) {
 *     NDArray loss = trainer.getLoss().evaluate(labels, trainer.forward(inputs));
 *     TrainingStep.backward(trainer, collector, loss);
 * }
 * TrainingStep.step(trainer);   // false when the step was skipped for overflowing gradients
 * }</pre>
 *
 * <p>DJL's own loop works too: with {@code collector.backward(loss)} and {@code trainer.step()}
 * (as {@code EasyTrain.fit} and {@code EasyTrain.trainBatch} call them) the float32 weights get
 * their gradients and the optimizer updates them, but without loss scaling: float16 gradients
 * smaller than about 6e-8 are lost and an overflowing step is not skipped. {@link TrainingStep}
 * adds the dynamic loss scaling.
 *
 * <p>How, and why this way. DJL has no autocast, and DJL 0.35.1's PyTorch engine neither knows
 * bfloat16 nor records gradients through its cast ({@code NDArray.toType}). So this is the
 * original recipe of mixed-precision training (Micikevicius et al., ICLR 2018): each training
 * forward pass computes with float16 copies of the weights made for that pass by a recorded copy
 * (see {@link WorkingCopies}), so that back-propagation brings their gradients back onto the
 * float32 weights, in float32; float inputs are cast to float16 and float16 outputs come back as
 * float32 (by adding a float32 zero, a cast that type promotion makes differentiable), so the
 * loss is computed in float32. {@link #backward} runs the backward pass on the loss times a
 * dynamic {@link LossScale} and divides the weights' gradients by it again in float32, or, when
 * one of them overflowed, zeroes them; {@link #step} then skips the update and lowers the scale.
 *
 * <p>The checkpoint of a wrapped model is the model's own: parameters save and load as if the
 * model were not wrapped. One wrapper trains one model on one thread, a backward pass after the
 * training forward passes it takes its gradients from.
 */
public final class MixedPrecision extends AbstractBlock {

    private static final byte VERSION = 1;
    private static final DataType WEIGHT_TYPE = DataType.FLOAT32;

    private final Block model;
    private final DataType computeType;
    private final LossScale lossScale = new LossScale();
    /** The weights the training passes since the last {@link #backward} computed with. */
    private final Set<NDArray> pending = Collections.newSetFromMap(new IdentityHashMap<>());
    private boolean overflowed;

    private MixedPrecision(Block model, DataType computeType) {
        super(VERSION);
        this.model = addChildBlock("model", model);
        this.computeType = computeType;
    }

    /**
     * Wraps a model for mixed-precision training.
     *
     * @param model the model; its parameters must be (or be initialized as) float32
     * @param computeType the type to compute in: {@link DataType#FLOAT16}
     * @return the block to train
     * @throws IllegalArgumentException for any other compute type; for bfloat16 with the
     *     engine's reason
     */
    public static MixedPrecision wrap(Block model, DataType computeType) {
        Objects.requireNonNull(model, "model");
        if (computeType == DataType.BFLOAT16) {
            throw new IllegalArgumentException(Precision.NO_BFLOAT16);
        }
        if (computeType != DataType.FLOAT16) {
            throw new IllegalArgumentException(
                    "mixed precision computes in float16, not " + computeType);
        }
        return new MixedPrecision(model, computeType);
    }

    /**
     * The wrapped model.
     *
     * @return the model, whose float32 parameters are trained
     */
    public Block model() {
        return model;
    }

    /**
     * The type the passes compute in.
     *
     * @return float16
     */
    public DataType computeType() {
        return computeType;
    }

    /**
     * The factor the next backward pass multiplies the loss by.
     *
     * @return a power of two, 2^16 at first
     */
    public float lossScale() {
        return lossScale.value();
    }

    /**
     * How many steps {@link #step} skipped because their gradients overflowed in float16.
     *
     * @return the count since the model was wrapped
     */
    public long skippedSteps() {
        return lossScale.skippedSteps();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore,
            NDList inputs,
            boolean training,
            PairList<String, Object> params) {
        NDManager owner = inputs.isEmpty() ? parameterStore.getManager() : inputs.head().getManager();
        if (training) {
            pending.removeIf(NDArray::isReleased);
        }
        WorkingCopies copies = new WorkingCopies(parameterStore, computeType, owner, pending::add);
        NDList out;
        try {
            out = model.forward(copies, toCompute(inputs), training, params);
        } catch (EngineException e) {
            throw unsupported("forward", inputs, e);
        }
        return toWeightType(out);
    }

    /**
     * Back-propagates a loss computed from this model's output with loss scaling: runs the
     * backward pass on the loss times the current scale, and divides the float32 weights'
     * gradients by the scale again, unless one of them overflowed in float16; then it zeroes them
     * and the next {@link #step} is skipped. Gradients accumulated by an earlier backward pass of
     * the same step are kept.
     *
     * @param collector the open gradient collector of the step
     * @param loss the loss, float32
     */
    public void backward(GradientCollector collector, NDArray loss) {
        List<NDArray> weights = new ArrayList<>(pending);
        pending.clear();
        float scale = lossScale.value();
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            // what an earlier backward pass of this step left is scaled with the new gradients,
            // so that the one division below unscales both exactly (the scale is a power of two)
            for (NDArray weight : weights) {
                weight.getGradient().muli(scale);
            }
            collector.backward(Scalars.times(loss, scale));
            NDArray sum = null;
            for (NDArray weight : weights) {
                NDArray s = weight.getGradient().sum();
                sum = sum == null ? s : sum.add(s);
            }
            boolean finite = sum == null || Float.isFinite(sum.getFloat());
            for (NDArray weight : weights) {
                NDArray gradient = weight.getGradient();
                if (finite) {
                    gradient.divi(scale);
                } else {
                    gradient.set(new NDIndex(":"), 0f);   // inf - inf and inf·0 would be NaN
                }
            }
            overflowed |= !finite;
        } catch (EngineException e) {
            throw unsupported("backward", new NDList(loss), e);
        }
    }

    /**
     * Updates the weights with the gradients of the last {@link #backward}, or skips the update
     * when they overflowed (the weights' gradients were left untouched) and halves the loss
     * scale.
     *
     * @param trainer the trainer of the DJL {@code Model} this block is set on
     * @return whether the weights were updated
     */
    public boolean step(Trainer trainer) {
        if (overflowed) {
            overflowed = false;
            lossScale.overflowed();
            return false;
        }
        trainer.step();
        lossScale.finite();
        return true;
    }

    private NDList toCompute(NDList inputs) {
        NDList cast = new NDList(inputs.size());
        for (NDArray x : inputs) {
            boolean wider = x.getDataType().isFloating() && x.getDataType() != computeType;
            cast.add(wider ? x.toType(computeType, false) : x);
        }
        return cast;
    }

    /**
     * Float16 outputs as float32, through an addition of a float32 zero of the same rank: the
     * result type is float32, the value unchanged, and unlike DJL's cast the addition is
     * recorded, so the loss's gradient flows back into the model.
     */
    private NDList toWeightType(NDList outputs) {
        NDList wide = new NDList(outputs.size());
        for (NDArray y : outputs) {
            if (y.getDataType() != computeType) {
                wide.add(y);
                continue;
            }
            long[] ones = new long[y.getShape().dimension()];
            Arrays.fill(ones, 1L);
            NDArray zero = y.getManager().zeros(new Shape(ones), WEIGHT_TYPE, y.getDevice());
            wide.add(y.add(zero));
        }
        return wide;
    }

    private UnsupportedOperationException unsupported(String pass, NDList inputs, EngineException e) {
        Device device = inputs.isEmpty() ? null : inputs.head().getDevice();
        return new UnsupportedOperationException(
                "the " + pass + " pass of " + model.getClass().getSimpleName() + " in " + computeType
                        + (device == null ? "" : " on " + device) + " failed in the engine ("
                        + e.getMessage() + "); train this model in float32 on this device", e);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return model.getOutputShapes(inputShapes);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        if (dataType != WEIGHT_TYPE) {
            throw new IllegalArgumentException(
                    "mixed precision keeps the weights in float32; initialize with FLOAT32, not " + dataType);
        }
        model.initialize(manager, dataType, inputShapes);
    }

    /** Saves the model's parameters as the model itself would: checkpoints do not see the wrapper. */
    @Override
    public void saveParameters(DataOutputStream os) throws IOException {
        model.saveParameters(os);
    }

    /** Loads parameters the model (wrapped or not) saved. */
    @Override
    public void loadParameters(NDManager manager, DataInputStream is)
            throws IOException, MalformedModelException {
        model.loadParameters(manager, is);
    }

    @Override
    public String toString() {
        return "MixedPrecision(" + computeType + ", float32 weights)\n" + model;
    }
}
