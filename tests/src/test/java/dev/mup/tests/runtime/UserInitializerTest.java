package dev.mup.tests.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.training.loss.Loss;
import dev.mup.examples.gpt.CharCorpus;
import dev.mup.examples.gpt.GptMuP;
import dev.mup.examples.mlp.MlpMuP;
import dev.mup.runtime.InitMode;
import dev.mup.runtime.MuOptions;
import dev.mup.runtime.ParameterReport;
import dev.mup.runtime.UpdateRule;
import dev.mup.runtime.WeightDecayMode;
import dev.mup.tests.support.Models;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An initializer set by the user on a μP model, in any of the ways DJL offers, would replace μP's
 * width-dependent initialization: it is refused, with a message pointing to
 * {@code MuOptions.initMode}, before it draws. The way that works is checked too: the measured std
 * at width 1024 (base 64) is the reported one, {@code 0.02 / √16} for the hidden weight. An
 * initializer set after μP drew (DJL's trainer sets the training config's) or before loading
 * saved weights draws nothing and is not refused.
 */
class UserInitializerTest {

    private static final int WIDTH = 1024;
    private static final NormalInitializer USERS = new NormalInitializer(0.02f);

    private static MlpMuP mlp() {
        return new MlpMuP(MuOptions.defaults(), WIDTH, Models.FEATURES, Models.CLASSES);
    }

    private static Block child(Block block, String name) {
        return block.getChildren().values().stream()
                .filter(b -> block.getChildren().keys().get(block.getChildren().values().indexOf(b)).endsWith(name))
                .findFirst()
                .orElseThrow();
    }

    static Stream<Arguments> ways() {
        return Stream.of(
                Arguments.of("Block.setInitializer by type", (Consumer<MlpMuP>) m ->
                        m.setInitializer(USERS, Parameter.Type.WEIGHT)),
                Arguments.of("Block.setInitializer by predicate", (Consumer<MlpMuP>) m ->
                        m.setInitializer(USERS, p -> p.getName().equals("bias"))),
                Arguments.of("Block.setInitializer by name, on a child block", (Consumer<MlpMuP>) m ->
                        child(m, "hidden").setInitializer(USERS, "weight")),
                Arguments.of("Block.setInitializer by type, on a child block", (Consumer<MlpMuP>) m ->
                        child(m, "readout").setInitializer(USERS, Parameter.Type.WEIGHT)),
                Arguments.of("Parameter.setInitializer", (Consumer<MlpMuP>) m ->
                        child(m, "hidden").getParameters().get("weight").setInitializer(USERS)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ways")
    void anInitializerSetBeforeInitializationIsRefused(String name, Consumer<MlpMuP> set) {
        try (NDManager manager = NDManager.newBaseManager()) {
            MlpMuP model = mlp();
            set.accept(model);
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> model.initialize(manager, DataType.FLOAT32, new Shape(1, Models.FEATURES)));
            assertRefusal(e);
        }
    }

    @Test
    void theTrainingConfigsInitializerIsRefused() {
        try (Model model = Model.newInstance("user-init")) {
            MlpMuP mlp = mlp();
            model.setBlock(mlp);
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optInitializer(USERS, Parameter.Type.WEIGHT)
                    .optOptimizer(ai.djl.training.optimizer.Optimizer.sgd()
                            .setLearningRateTracker(ai.djl.training.tracker.Tracker.fixed(0.1f)).build());
            try (Trainer trainer = model.newTrainer(config)) {
                IllegalStateException e = assertThrows(IllegalStateException.class,
                        () -> trainer.initialize(new Shape(1, Models.FEATURES)));
                assertRefusal(e);
            }
        }
    }

    @Test
    void aPlainLayerNormsInitializerIsRefused() {
        // GptMuP's final norm is DJL's LayerNorm, which μP cannot see drawing: the next μP draw
        // (the readout's) refuses
        try (NDManager manager = NDManager.newBaseManager()) {
            GptMuP gpt = new GptMuP(MuOptions.defaults(), CharCorpus.builtIn().vocabulary(), 16, 1, 128, 16);
            Parameter gamma = gpt.muParametrization().layer("finalNorm").orElseThrow().block()
                    .getParameters().get("gamma");
            gamma.setInitializer(USERS);
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> gpt.initialize(manager, DataType.FLOAT32, new Shape(2, 16)));
            assertRefusal(e);
            assertTrue(e.getMessage().contains("finalNorm.gamma"), e.getMessage());
        }
    }

    private static void assertRefusal(IllegalStateException e) {
        String m = e.getMessage();
        assertTrue(m.contains("NormalInitializer"), m);
        assertTrue(m.contains("MuOptions") && m.contains("initMode"), m);
    }

    @Test
    void initModeIsTheWayAndReportAndDrawnValuesAgree() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(2);
            MlpMuP model = new MlpMuP(MuOptions.builder().initMode(InitMode.parse("normal:0.02")).build(),
                    WIDTH, Models.FEATURES, Models.CLASSES);
            model.initialize(manager, DataType.FLOAT32, new Shape(1, Models.FEATURES));
            // width 1024, base 64: m_in = 16, hidden std 0.02 / 4
            double[] expected = {0.02, 0.005, 0.02};
            String[] layers = {"input", "hidden", "readout"};
            for (int i = 0; i < layers.length; i++) {
                String layer = layers[i];
                ParameterReport row = model.muParametrization().report(UpdateRule.ADAM, WeightDecayMode.COUPLED)
                        .stream().filter(r -> r.parameter().name().equals(layer + ".weight")).findFirst().orElseThrow();
                assertEquals(expected[i], row.scaling().initStd(), 1e-12, layer);
                NDArray w = model.muParametrization().layer(layer).orElseThrow().block()
                        .getParameters().get("weight").getArray();
                double measured = std(w);
                assertEquals(row.scaling().initStd(), measured, 0.05 * expected[i], layer + " measured " + measured);
            }
        }
    }

    @Test
    void anInitializerSetAfterInitializationOrBeforeLoadingIsHarmless(@org.junit.jupiter.api.io.TempDir Path dir)
            throws IOException, ai.djl.MalformedModelException {
        try (NDManager manager = NDManager.newBaseManager()) {
            MlpMuP model = Models.mlp(manager, MuOptions.defaults(), WIDTH, 3);
            float[] before = model.muParametrization().layer("hidden").orElseThrow().block()
                    .getParameters().get("weight").getArray().toFloatArray();
            model.setInitializer(USERS, Parameter.Type.WEIGHT);
            // DJL's trainer sets the config's initializers on an initialized model: nothing redraws
            model.initialize(manager, DataType.FLOAT32, new Shape(1, Models.FEATURES));
            assertEquals(3 * 2, model.muParametrization().report(UpdateRule.ADAM, WeightDecayMode.COUPLED).size());
            float[] after = model.muParametrization().layer("hidden").orElseThrow().block()
                    .getParameters().get("weight").getArray().toFloatArray();
            assertEquals(before[0], after[0]);
            model.adam(1e-3f).build();

            try (Model saved = Model.newInstance("saved")) {
                saved.setBlock(model);
                saved.save(dir, "mlp");
            }
            MlpMuP loaded = mlp();
            loaded.setInitializer(USERS, Parameter.Type.WEIGHT);
            try (Model load = Model.newInstance("loaded")) {
                load.setBlock(loaded);
                load.load(dir, "mlp");
                assertEquals(6, loaded.muParametrization().report(UpdateRule.ADAM, WeightDecayMode.COUPLED).size());
                loaded.adam(1e-3f).build();
            }
        }
    }

    private static double std(NDArray w) {
        float[] a = w.toFloatArray();
        double sum = 0;
        double squares = 0;
        for (float x : a) {
            sum += x;
            squares += (double) x * x;
        }
        double mean = sum / a.length;
        return Math.sqrt(squares / a.length - mean * mean);
    }
}
