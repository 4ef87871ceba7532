package dev.mup.runtime;

import ai.djl.modality.nlp.DefaultVocabulary;
import ai.djl.modality.nlp.embedding.TrainableWordEmbedding;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * A trainable embedding of integer ids {@code 0 … size-1} (tokens, positions) whose output a
 * coordinate check can record. Use it instead of a DJL embedding for the {@code @MuInput}
 * embeddings of a model when you want them in the check; μP treats both the same (the table is
 * input-like), and a {@link MuTiedReadout} can share its table.
 *
 * <p>Input: an integer array of ids of any shape; output: that shape plus the embedding size.
 */
public final class MuEmbedding extends TrainableWordEmbedding implements Observable, InitGuarded {

    private final ObserverSlot observer = new ObserverSlot();
    private final int size;
    private volatile MuLayer layer;

    /**
     * Creates an embedding.
     *
     * @param size the number of ids
     * @param embeddingSize the size of each embedding vector
     * @throws IllegalArgumentException if a size is not positive
     */
    public MuEmbedding(int size, int embeddingSize) {
        super(idVocabulary(size, embeddingSize), embeddingSize);
        this.size = size;
    }

    private static DefaultVocabulary idVocabulary(int size, int embeddingSize) {
        if (size <= 0 || embeddingSize <= 0) {
            throw new IllegalArgumentException(
                    "an embedding needs a positive number of ids and size, got " + size + " and "
                            + embeddingSize);
        }
        List<String> ids = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            ids.add(Integer.toString(i));
        }
        return new DefaultVocabulary(ids);
    }

    /**
     * The number of ids.
     *
     * @return ids {@code 0 … size-1} are embedded
     */
    public int size() {
        return size;
    }

    @Override
    public void observe(String name, ActivationObserver observer) {
        this.observer.set(name, observer);
    }

    @Override
    public void guardInitializers(MuLayer layer) {
        this.layer = layer;
    }

    /** Refuses an initializer the user set on the table (or elsewhere in the model) before it draws. */
    @Override
    protected void beforeInitialize(Shape... inputShapes) {
        MuLayer l = layer;
        if (l != null) {
            l.checkModelInitializers();
        }
        super.beforeInitialize(inputShapes);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore,
            NDList inputs,
            boolean training,
            PairList<String, Object> params) {
        NDList out = super.forwardInternal(parameterStore, inputs, training, params);
        observer.report("", out.head());
        return out;
    }
}
