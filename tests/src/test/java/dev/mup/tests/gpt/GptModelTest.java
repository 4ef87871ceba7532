package dev.mup.tests.gpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import dev.mup.examples.gpt.CharCorpus;
import dev.mup.examples.gpt.GptMuP;
import dev.mup.examples.gpt.TiedGptMuP;
import dev.mup.examples.gpt.SequenceLoss;
import dev.mup.runtime.MuModel;
import dev.mup.runtime.MuOptions;
import dev.mup.runtime.MuTiedReadout;
import dev.mup.runtime.MuParameter;
import dev.mup.runtime.ParameterClass;
import dev.mup.runtime.Parametrization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The example GPT: μP = SP at base width, the classification of its parts, bad sizes. */
class GptModelTest {

    private static final MuOptions SP = MuOptions.builder().parametrization(Parametrization.SP).build();
    private static final CharCorpus CORPUS = CharCorpus.builtIn();
    private static final int BATCH = 4;
    private static final int SEQUENCE = 16;

    private static GptMuP gpt(NDManager manager, MuOptions options, int width, int seed) {
        Engine.getInstance().setRandomSeed(seed);
        GptMuP gpt = new GptMuP(options, CORPUS.vocabulary(), SEQUENCE, 2, width, 16);
        gpt.initialize(manager, DataType.FLOAT32, new Shape(BATCH, SEQUENCE));
        return gpt;
    }

    private static TiedGptMuP tiedGpt(NDManager manager, MuOptions options, int width, int seed) {
        Engine.getInstance().setRandomSeed(seed);
        TiedGptMuP gpt = new TiedGptMuP(options, CORPUS.vocabulary(), SEQUENCE, 2, width, 16);
        gpt.initialize(manager, DataType.FLOAT32, new Shape(BATCH, SEQUENCE));
        return gpt;
    }

    private static MuTiedReadout readout(TiedGptMuP gpt) {
        // DJL prefixes child names with their position ("05readout"): find the readout by type
        return gpt.getChildren().values().stream()
                .filter(MuTiedReadout.class::isInstance)
                .map(MuTiedReadout.class::cast)
                .findFirst()
                .orElseThrow();
    }

    private static List<Float> train(MuModel gpt, int steps) {
        List<Float> losses = new ArrayList<>();
        try (Model model = Model.newInstance("gpt")) {
            model.setBlock(gpt);
            DefaultTrainingConfig config = new DefaultTrainingConfig(new SequenceLoss())
                    .optOptimizer(gpt.adam(3e-3f).build());
            try (Trainer trainer = model.newTrainer(config)) {
                for (int step = 0; step < steps; step++) {
                    try (NDManager batchManager = trainer.getManager().newSubManager()) {
                        NDList[] batch = CORPUS.trainBatch(batchManager, BATCH, SEQUENCE, 1, step);
                        try (GradientCollector collector = trainer.newGradientCollector()) {
                            NDArray loss = trainer.getLoss().evaluate(batch[1], trainer.forward(batch[0]));
                            losses.add(loss.getFloat());
                            collector.backward(loss);
                        }
                        trainer.step();
                    }
                }
            }
        }
        return losses;
    }

    /** Builds a GPT variant at a width, seeded. */
    @FunctionalInterface
    private interface Variant {
        MuModel build(NDManager manager, MuOptions options, int width, int seed);
    }

    /**
     * μP and SP train bit-identically at the base width (every multiplier is 1 there) and
     * differently at twice the base.
     */
    private static void assertMupIsSpAtBaseWidthOnly(Variant variant, String name) {
        try (NDManager manager = NDManager.newBaseManager()) {
            List<Float> mup = train(variant.build(manager, MuOptions.defaults(), 64, 5), 6);
            List<Float> sp = train(variant.build(manager, SP, 64, 5), 6);
            assertEquals(sp, mup, "μP and SP " + name + " losses at base width (dModel 64, dFfn 256)");
            List<Float> wideMup = train(variant.build(manager, MuOptions.defaults(), 128, 5), 6);
            List<Float> wideSp = train(variant.build(manager, SP, 128, 5), 6);
            assertNotEquals(wideSp, wideMup, "μP and SP " + name + " differ at 2× the base width");
        }
    }

    @Test
    void atBaseWidthMupTrainsExactlyLikeTheStandardParametrization() {
        assertMupIsSpAtBaseWidthOnly(GptModelTest::gpt, "GPT");
    }

    @Test
    void withTiedReadoutAtBaseWidthMupTrainsExactlyLikeTheStandardParametrization() {
        assertMupIsSpAtBaseWidthOnly(GptModelTest::tiedGpt, "tied GPT");
    }

    @Test
    void tiedReadoutReusesTheInputLikeTokenTableAndScalesTheLogits() {
        try (NDManager manager = NDManager.newBaseManager()) {
            TiedGptMuP gpt = tiedGpt(manager, MuOptions.defaults(), 256, 1);
            Map<String, ParameterClass> byName = new java.util.HashMap<>();
            gpt.muParametrization().parameters().forEach(p -> byName.put(p.name(), p.parameterClass()));
            assertEquals(ParameterClass.INPUT_LIKE, byName.get("tokens.embedding"),
                    "the shared table keeps the embedding's input-like rules");
            assertTrue(byName.keySet().stream().noneMatch(n -> n.startsWith("readout")),
                    "a tied readout has no parameter of its own: " + byName.keySet());
            assertEquals(gpt.getParameters().size(), byName.size(), "every parameter declared");
            // dModel 256 over base 64: width multiplier 4, so the logits are multiplied by 1/4
            assertEquals(0.25f, readout(gpt).logitMultiplier(), "μP logit multiplier 1/widthMultiplier");
            TiedGptMuP sp = tiedGpt(manager, SP, 256, 1);
            assertEquals(1f, readout(sp).logitMultiplier(), "no multiplier in SP");
        }
    }

    @Test
    void everyBlockIsDeclaredWithItsRole() {
        try (NDManager manager = NDManager.newBaseManager()) {
            GptMuP gpt = gpt(manager, MuOptions.defaults(), 128, 1);
            List<MuParameter> parameters = gpt.muParametrization().parameters();
            Map<String, ParameterClass> byName = new java.util.HashMap<>();
            parameters.forEach(p -> byName.put(p.name(), p.parameterClass()));
            assertEquals(ParameterClass.INPUT_LIKE, byName.get("tokens.embedding"), byName.toString());
            assertEquals(ParameterClass.INPUT_LIKE, byName.get("positions.embedding"));
            assertEquals(ParameterClass.HIDDEN, byName.get("blocks.0.attention.query.weight"));
            assertEquals(ParameterClass.INPUT_LIKE, byName.get("blocks.0.attention.query.bias"));
            assertEquals(ParameterClass.HIDDEN, byName.get("blocks.1.up.weight"));
            assertEquals(ParameterClass.HIDDEN, byName.get("blocks.1.down.weight"));
            assertEquals(ParameterClass.OUTPUT_LIKE, byName.get("readout.weight"));
            assertEquals(ParameterClass.FIXED, byName.get("readout.bias"), "the readout bias has no width");
            assertEquals(ParameterClass.INPUT_LIKE, byName.get("blocks.0.attentionNorm.gamma"),
                    "LayerNorm gains follow the input-like rules");
            assertEquals(ParameterClass.INPUT_LIKE, byName.get("finalNorm.beta"));
            // every parameter of the network is declared: none is left in SP by accident
            assertEquals(gpt.getParameters().size(), parameters.size());
        }
    }

    @Test
    void badSizesAreRejectedAtConstruction() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new GptMuP(MuOptions.defaults(), 65, 16, 2, 48, 32));
        assertTrue(e.getMessage().contains("multiple of the head size"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new GptMuP(MuOptions.defaults(), 65, 16, 0, 64, 16));
        assertTrue(e.getMessage().contains("layers must be positive"), e.getMessage());
        // a base of dModel that the head size does not divide is caught by the attention blocks
        MuOptions oddBase = MuOptions.builder().baseWidth("dModel", 40).build();
        e = assertThrows(IllegalArgumentException.class, () -> new GptMuP(oddBase, 65, 16, 2, 64, 32));
        assertTrue(e.getMessage().contains("blocks.0.attention") && e.getMessage().contains("head size"),
                e.getMessage());
    }
}
