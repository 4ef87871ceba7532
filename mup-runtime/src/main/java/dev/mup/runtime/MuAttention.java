package dev.mup.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Multi-head self-attention whose logits μP can scale: {@code softmax(s · q·kᵀ + mask) v}
 * with {@code s = α_attn / d_head} under μP and {@code 1/sqrt(d_head)} in the standard
 * parametrization (see {@link MuRule#attentionLogitScale}). The scale is set by
 * {@link MuModelBuilder} when a generated model declares the block; until then it is the standard
 * one.
 *
 * <p>The block is causal by default (a decoder: position {@code i} attends to {@code j ≤ i});
 * {@link Builder#optCausal(boolean) optCausal(false)} makes it bidirectional, as in a BERT-style
 * encoder. Either way it takes an optional second input, a key-padding mask
 * {@code (batch, sequence)} with 1 for a real token and 0 for padding (any numeric type): no
 * query attends to a padded key. The logits the coordinate check observes ({@code field.logits})
 * are the scaled logits before any mask is added.
 *
 * <p>Inputs: {@code x} {@code (batch, sequence, modelDim)} and, optionally, the key-padding mask;
 * output {@code (batch, sequence, modelDim)}. The four projections (query, key,
 * value, output) are {@link MuLinear} layers, {@code modelDim → modelDim}, hidden under μP. Either
 * the number of heads or the head size is fixed; the other follows from {@code modelDim}, which
 * decides how the head size scales with width.
 */
public final class MuAttention extends AbstractBlock implements Observable {

    private static final byte VERSION = 1;

    private final int modelDim;
    private final int heads;
    private final int headSize;
    private final boolean headSizeFixed;
    private final boolean causal;
    private final MuLinear query;
    private final MuLinear key;
    private final MuLinear value;
    private final MuLinear output;
    private float logitScale;
    private final ObserverSlot observer = new ObserverSlot();

    private MuAttention(Builder b) {
        super(VERSION);
        this.modelDim = b.modelDim;
        this.headSizeFixed = b.headSize > 0;
        this.causal = b.causal;
        this.headSize = headSizeFixed ? b.headSize : b.modelDim / b.heads;
        this.heads = modelDim / headSize;
        this.query = addChildBlock("query", new MuLinear(modelDim, b.bias, 1.0));
        this.key = addChildBlock("key", new MuLinear(modelDim, b.bias, 1.0));
        this.value = addChildBlock("value", new MuLinear(modelDim, b.bias, 1.0));
        this.output = addChildBlock("output", new MuLinear(modelDim, b.bias, 1.0));
        this.logitScale = (float) (1.0 / Math.sqrt(headSize));
    }

    /**
     * Starts a builder.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The model dimension.
     *
     * @return {@code modelDim}
     */
    public int modelDim() {
        return modelDim;
    }

    /**
     * The number of heads.
     *
     * @return heads
     */
    public int heads() {
        return heads;
    }

    /**
     * The size of each head, {@code modelDim / heads}.
     *
     * @return {@code d_head}
     */
    public int headSize() {
        return headSize;
    }

    /**
     * Whether the head size is what stays fixed as the model widens (more heads), rather than the
     * number of heads (wider heads).
     *
     * @return {@code true} when the head size is fixed
     */
    public boolean headSizeFixed() {
        return headSizeFixed;
    }

    /**
     * Whether each position attends only to itself and earlier positions (a decoder), rather than
     * to every position (an encoder).
     *
     * @return {@code true} for causal attention (the default)
     */
    public boolean causal() {
        return causal;
    }

    /**
     * The factor applied to {@code q·kᵀ}.
     *
     * @return the logit scale
     */
    public float logitScale() {
        return logitScale;
    }

    void setLogitScale(double scale) {
        this.logitScale = (float) scale;
    }

    /** The projections, in the order query, key, value, output. */
    MuLinear[] projections() {
        return new MuLinear[] {query, key, value, output};
    }

    /** Names of the projections, parallel to {@link #projections()}. */
    static String[] projectionNames() {
        return new String[] {"query", "key", "value", "output"};
    }

    @Override
    public void observe(String name, ActivationObserver observer) {
        this.observer.set(name, observer);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore,
            NDList inputs,
            boolean training,
            PairList<String, Object> params) {
        if (inputs.isEmpty() || inputs.size() > 2) {
            throw new IllegalArgumentException(
                    "MuAttention takes x (batch, sequence, modelDim) and optionally a key-padding mask"
                            + " (batch, sequence), got " + inputs.size() + " inputs");
        }
        NDArray x = inputs.get(0);
        NDArray keyMask = inputs.size() == 2 ? inputs.get(1) : null;
        NDArray q = heads(query.forward(parameterStore, new NDList(x), training).singletonOrThrow());
        NDArray k = heads(key.forward(parameterStore, new NDList(x), training).singletonOrThrow());
        NDArray v = heads(value.forward(parameterStore, new NDList(x), training).singletonOrThrow());
        NDArray logits = Scalars.times(q.matMul(k.transpose(0, 1, 3, 2)), logitScale);
        observer.report(".logits", logits);
        NDArray merged = CausalAttention.attend(logits, v, causal, keyMask);
        return output.forward(parameterStore, new NDList(merged), training);
    }

    private NDArray heads(NDArray projected) {
        return CausalAttention.splitHeads(projected, heads, headSize);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (MuLinear projection : projections()) {
            projection.initialize(manager, dataType, inputShapes[0]);
        }
    }

    /** Builds {@link MuAttention}. */
    public static final class Builder {
        private int modelDim;
        private int heads;
        private int headSize;
        private boolean bias = true;
        private boolean causal = true;

        private Builder() {}

        /**
         * Whether position {@code i} attends only to positions {@code j ≤ i} (default
         * {@code true}, a decoder); {@code false} lets every position attend to every other, as
         * in a BERT-style encoder. The key-padding mask input works either way.
         *
         * @param causal whether to apply the causal mask
         * @return this builder
         */
        public Builder optCausal(boolean causal) {
            this.causal = causal;
            return this;
        }

        /**
         * Sets the model dimension.
         *
         * @param modelDim positive
         * @return this builder
         */
        public Builder setModelDim(int modelDim) {
            this.modelDim = modelDim;
            return this;
        }

        /**
         * Fixes the number of heads (the head size grows with the model dimension).
         *
         * @param heads positive, dividing the model dimension
         * @return this builder
         */
        public Builder setHeads(int heads) {
            this.heads = heads;
            return this;
        }

        /**
         * Fixes the head size (the number of heads grows with the model dimension).
         *
         * @param headSize positive, dividing the model dimension
         * @return this builder
         */
        public Builder setHeadSize(int headSize) {
            this.headSize = headSize;
            return this;
        }

        /**
         * Whether the projections have biases (default {@code true}).
         *
         * @param bias whether to add biases
         * @return this builder
         */
        public Builder optBias(boolean bias) {
            this.bias = bias;
            return this;
        }

        /**
         * Builds the block.
         *
         * @return the block
         * @throws IllegalArgumentException naming the value when the model dimension is not
         *     positive, when neither or both of heads and head size are set, or when the one set
         *     does not divide the model dimension
         */
        public MuAttention build() {
            if (modelDim <= 0) {
                throw new IllegalArgumentException("attention modelDim must be positive, got " + modelDim);
            }
            if ((heads > 0) == (headSize > 0)) {
                throw new IllegalArgumentException(
                        "set exactly one of heads and headSize (positive), got heads " + heads
                                + ", headSize " + headSize);
            }
            int divisor = heads > 0 ? heads : headSize;
            if (modelDim % divisor != 0) {
                throw new IllegalArgumentException(
                        "attention modelDim " + modelDim + " is not divisible by "
                                + (heads > 0 ? "heads " : "headSize ") + divisor);
            }
            return new MuAttention(this);
        }
    }
}
