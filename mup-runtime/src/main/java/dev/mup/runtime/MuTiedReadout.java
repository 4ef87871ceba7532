package dev.mup.runtime;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.Objects;

/**
 * A readout tied to the input embedding: {@code logits = c · x Eᵀ}, where {@code E} is the
 * embedding table {@code (vocabulary, dim)} and {@code c} the readout multiplier
 * {@code α_out / m_in}. It has no parameters of its own: the shared table stays input-like under
 * μP (its init and learning rate are the embedding's), and the width correction goes on the
 * logits. The multiplier is set by {@link MuModelBuilder} when a generated model declares the
 * block ({@code @MuOutput}); it does not combine with {@link ReadoutForm#NO_FORWARD_MULTIPLIER},
 * which would have to rescale the shared table.
 */
public final class MuTiedReadout extends AbstractBlock implements Observable {

    private static final byte VERSION = 1;

    private final Embedding<?> embedding;
    private float logitMultiplier = 1f;
    private final ObserverSlot observer = new ObserverSlot();
    private volatile OptimizerCheck optimizerCheck;
    private volatile ResidualCheck residualCheck;
    private volatile InitGuard initGuard;

    /**
     * Ties a readout to an embedding.
     *
     * @param embedding the model's input embedding, also a child of the model
     */
    public MuTiedReadout(Embedding<?> embedding) {
        super(VERSION);
        this.embedding = Objects.requireNonNull(embedding, "embedding");
    }

    /**
     * The embedding whose table this readout reuses.
     *
     * @return the embedding
     */
    public Embedding<?> embedding() {
        return embedding;
    }

    /**
     * The factor applied to the logits.
     *
     * @return the logit multiplier
     */
    public float logitMultiplier() {
        return logitMultiplier;
    }

    void setLogitMultiplier(double multiplier) {
        this.logitMultiplier = (float) multiplier;
    }

    @Override
    public void observe(String name, ActivationObserver observer) {
        this.observer.set(name, observer);
    }

    /** Sets the check, run on training passes, that the model is trained by a μP optimizer. */
    void checkOptimizer(OptimizerCheck check) {
        this.optimizerCheck = check;
    }

    /** Sets the check, run on every pass until it passes, that the depth blocks used their residuals. */
    void checkResiduals(ResidualCheck check) {
        this.residualCheck = check;
    }

    /** Sets the guard told when the model's weights are loaded. */
    void guardLoading(InitGuard guard) {
        this.initGuard = guard;
    }

    /** Loads nothing of its own, and records that the model's weights were loaded. */
    @Override
    public void loadParameters(NDManager manager, DataInputStream is)
            throws IOException, MalformedModelException {
        super.loadParameters(manager, is);
        InitGuard g = initGuard;
        if (g != null) {
            g.loaded();
        }
    }

    private Parameter table() {
        return embedding.getParameters().get("embedding");
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore,
            NDList inputs,
            boolean training,
            PairList<String, Object> params) {
        OptimizerCheck check = optimizerCheck;
        if (training && check != null) {
            check.look(parameterStore);
        }
        ResidualCheck residuals = residualCheck;
        if (residuals != null) {
            residuals.look();
        }
        NDArray x = inputs.singletonOrThrow();
        NDArray table = parameterStore.getValue(table(), x.getDevice(), training);
        NDArray logits = Scalars.times(x, logitMultiplier).matMul(table.transpose());
        observer.report("", logits);
        return new NDList(logits);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        Shape table = table().getShape();
        long vocabulary = table == null ? -1 : table.get(0);
        return new Shape[] {in.slice(0, in.dimension() - 1).add(vocabulary)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        // no parameters of its own: the table belongs to (and is initialized with) the embedding
    }
}
