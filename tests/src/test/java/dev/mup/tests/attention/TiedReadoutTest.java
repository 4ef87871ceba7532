package dev.mup.tests.attention;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.modality.nlp.DefaultVocabulary;
import ai.djl.modality.nlp.embedding.TrainableWordEmbedding;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.util.PairList;
import dev.mup.runtime.MuModel;
import dev.mup.runtime.MuModelBuilder;
import dev.mup.runtime.MuOptions;
import dev.mup.runtime.MuParametrization;
import dev.mup.runtime.MuTiedReadout;
import dev.mup.runtime.ParameterClass;
import dev.mup.runtime.ParameterReport;
import dev.mup.runtime.Parametrization;
import dev.mup.runtime.ReadoutForm;
import dev.mup.runtime.UpdateRule;
import dev.mup.runtime.WeightDecayMode;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The readout tied to the input embedding: logits {@code (α_out/m_in)·x Eᵀ}, the shared table
 * input-like, gradients from both uses reaching it, and the combinations that cannot work
 * rejected with a message.
 */
class TiedReadoutTest {

    private static final List<String> TOKENS = List.of("a", "b", "c", "d", "e", "f", "g", "h");

    /** Embedding → tied readout, declared the way a generated constructor declares a model. */
    static final class TiedModel extends AbstractBlock implements MuModel {
        final TrainableWordEmbedding embedding;
        MuTiedReadout readout;
        final MuParametrization mu;

        TiedModel(MuOptions options, int dModel, int base, boolean declareEmbedding, boolean zeroInit) {
            embedding = addChildBlock("embedding",
                    new TrainableWordEmbedding(new DefaultVocabulary(TOKENS), dModel));
            readout = addChildBlock("readout", new MuTiedReadout(embedding));
            MuModelBuilder b = MuModelBuilder.forModel(TiedModel.class, options).width("dModel", dModel, base);
            if (declareEmbedding) {
                b.input("embedding", embedding, "dModel");
            }
            readout = b.output("readout", readout, "dModel", 1.0, zeroInit, children);
            mu = b.build();
        }

        @Override
        public MuParametrization muParametrization() {
            return mu;
        }

        @Override
        protected NDList forwardInternal(
                ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
            return readout.forward(ps, embedding.forward(ps, inputs, training), training);
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return readout.getOutputShapes(embedding.getOutputShapes(inputShapes));
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            embedding.initialize(manager, dataType, inputShapes);
        }
    }

    private static TiedModel model(NDManager manager, MuOptions options, int dModel) {
        Engine.getInstance().setRandomSeed(3);
        TiedModel m = new TiedModel(options, dModel, 64, true, false);
        m.initialize(manager, DataType.FLOAT32, new Shape(2, 4));
        return m;
    }

    @Test
    void logitsAreTheScaledProductWithTheSharedTable() {
        try (NDManager manager = NDManager.newBaseManager()) {
            TiedModel m = model(manager, MuOptions.defaults(), 256);
            assertEquals(64f / 256f, m.readout.logitMultiplier());
            assertEquals(1f, model(manager, MuOptions.builder().parametrization(Parametrization.SP).build(), 256)
                    .readout.logitMultiplier());
            NDArray ids = manager.create(new int[][] {{0, 1, 2, 3}, {4, 5, 6, 7}});
            NDArray logits = m.forward(new ParameterStore(manager, false), new NDList(ids), false).singletonOrThrow();
            NDArray table = m.embedding.getParameters().get("embedding").getArray();
            NDArray expected = table.get(ids.toType(DataType.INT64, false)).matMul(table.transpose()).mul(0.25f);
            assertEquals(new Shape(2, 4, table.getShape().get(0)), logits.getShape());
            assertArrayEquals(expected.toFloatArray(), logits.toFloatArray(), 1e-5f);
        }
    }

    @Test
    void theSharedTableIsInputLikeAndLearnsFromBothUses() {
        try (NDManager manager = NDManager.newBaseManager(); Model djl = Model.newInstance("tied")) {
            TiedModel m = model(manager, MuOptions.defaults(), 256);
            List<ParameterReport> rows = m.muParametrization().report(UpdateRule.SGD, WeightDecayMode.COUPLED);
            assertEquals(1, rows.size(), "one shared table, no readout parameters");
            assertEquals(ParameterClass.INPUT_LIKE, rows.get(0).parameter().parameterClass());
            assertEquals(4.0, rows.get(0).scaling().lrMultiplier(), 1e-15, "SGD lr η·m_out");

            float[] before = m.embedding.getParameters().get("embedding").getArray().toFloatArray();
            djl.setBlock(m);
            try (Trainer trainer = djl.newTrainer(new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(m.sgd(0.5f).build()))) {
                NDArray ids = manager.create(new int[][] {{0, 0, 0, 0}});
                NDArray labels = manager.create(new int[] {5, 5, 5, 5});
                try (GradientCollector c = trainer.newGradientCollector()) {
                    NDArray logits = trainer.forward(new NDList(ids)).singletonOrThrow();
                    NDArray flat = logits.reshape(4, logits.getShape().get(2));
                    c.backward(trainer.getLoss().evaluate(new NDList(labels), new NDList(flat)));
                }
                trainer.step();
            }
            float[] after = m.embedding.getParameters().get("embedding").getArray().toFloatArray();
            int dim = 256;
            // row 5 never enters as input: it changes only through the tied readout
            boolean row5Changed = false;
            for (int i = 5 * dim; i < 6 * dim; i++) {
                row5Changed |= before[i] != after[i];
            }
            assertTrue(row5Changed, "the readout's gradient reaches the shared table");
        }
    }

    @Test
    void impossibleCombinationsAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TiedModel(MuOptions.defaults(), 128, 64, true, true));
        assertTrue(e.getMessage().contains("zero init would zero the embedding"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new TiedModel(
                MuOptions.builder().readoutForm(ReadoutForm.NO_FORWARD_MULTIPLIER).build(), 128, 64, true, false));
        assertTrue(e.getMessage().contains("FORWARD_MULTIPLIER"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new TiedModel(MuOptions.defaults(), 128, 64, false, false));
        assertTrue(e.getMessage().contains("not declared with @MuInput"), e.getMessage());
    }
}
