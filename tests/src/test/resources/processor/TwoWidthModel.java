package dev.mup.tests.processor.fixtures;

import ai.djl.modality.nlp.DefaultVocabulary;
import ai.djl.modality.nlp.embedding.TrainableWordEmbedding;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.mup.annotations.MuHidden;
import dev.mup.annotations.MuInput;
import dev.mup.annotations.MuOutput;
import dev.mup.annotations.Width;
import dev.mup.runtime.MuLayerNorm;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Processor fixture: a model with two widths ({@code dModel}, {@code dFfn}), an embedding, a
 * layer norm, two hidden layers between the widths and a readout with a non-default multiplier
 * and zero init. Its constructors take parameters named {@code options} and {@code mu}, which the
 * generated constructors must not clash with, and one is varargs with a throws clause.
 */
public class TwoWidthModel extends AbstractBlock {

    @Width(base = 32)
    final int dModel;

    @Width(base = 128)
    final int dFfn;

    /** Finite: the vocabulary does not grow with the model. */
    final int vocabularySize;

    @MuInput(width = "dModel")
    Embedding<String> embedding;

    @MuInput(width = "dModel")
    MuLayerNorm norm;

    @MuHidden(fanIn = "dModel", fanOut = "dFfn")
    Linear up;

    @MuHidden(fanIn = "dFfn", fanOut = "dModel")
    Linear down;

    @MuOutput(width = "dModel", multiplier = 0.5, zeroInit = true)
    Linear readout;

    /**
     * Builds the model from a vocabulary.
     *
     * @param dModel the model width
     * @param dFfn the feed-forward width
     * @param vocabulary the tokens
     * @param options free-form build options (named to clash with the generated parameter)
     */
    public TwoWidthModel(int dModel, int dFfn, List<String> vocabulary, Map<String, ?> options) {
        this.dModel = dModel;
        this.dFfn = dFfn;
        this.vocabularySize = vocabulary.size();
        embedding = addChildBlock(
                "embedding", new TrainableWordEmbedding(new DefaultVocabulary(vocabulary), dModel));
        norm = addChildBlock("norm", MuLayerNorm.builder().build());
        up = addChildBlock("up", Linear.builder().setUnits(dFfn).build());
        down = addChildBlock("down", Linear.builder().setUnits(dModel).build());
        readout = addChildBlock("readout", Linear.builder().setUnits(vocabularySize).build());
    }

    /**
     * Builds the model from tokens.
     *
     * @param mu a scale (named to clash with the generated builder variable)
     * @param dModel the model width
     * @param dFfn the feed-forward width
     * @param tokens the tokens
     * @throws IOException never; declared to test that the clause is mirrored
     */
    protected TwoWidthModel(float mu, int dModel, int dFfn, String... tokens) throws IOException {
        this(dModel, dFfn, Arrays.asList(tokens), Map.of("mu", mu));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore,
            NDList inputs,
            boolean training,
            PairList<String, Object> params) {
        NDList x = norm.forward(parameterStore, embedding.forward(parameterStore, inputs, training), training);
        x = new NDList(Activation.relu(up.forward(parameterStore, x, training).singletonOrThrow()));
        x = down.forward(parameterStore, x, training);
        return readout.forward(parameterStore, x, training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0].addAll(new Shape(vocabularySize))};
    }
}
