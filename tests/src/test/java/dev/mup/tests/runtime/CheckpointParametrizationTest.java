package dev.mup.tests.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.mup.examples.mlp.Mlp;
import dev.mup.examples.mlp.MlpMuP;
import dev.mup.runtime.InitMode;
import dev.mup.runtime.MuOptions;
import dev.mup.runtime.Parametrization;
import dev.mup.runtime.ReadoutForm;
import dev.mup.tests.support.Models;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint of a μP model carries its parametrization: loading it into a model that computes
 * another function from the same weights (SP instead of μP, another width or base width, another
 * output multiplier or readout form, the plain class) is refused with the first difference named,
 * and a plain checkpoint is refused by the μP class. Options that only decide the initial draw
 * (init mode, zero inits) do not matter to loaded weights and are not compared.
 */
class CheckpointParametrizationTest {

    private static final int WIDTH = 256;

    private static void save(Block block, Path dir) throws IOException {
        try (Model model = Model.newInstance("mlp")) {
            model.setBlock(block);
            model.save(dir, "mlp");
        }
    }

    private static void load(Block block, Path dir) throws IOException, MalformedModelException {
        try (Model model = Model.newInstance("mlp")) {
            model.setBlock(block);
            model.load(dir, "mlp");
        }
    }

    private static Path savedMuP(NDManager manager, Path dir) throws IOException {
        save(Models.mlp(manager, MuOptions.defaults(), WIDTH, 3), dir);
        return dir;
    }

    private static String refusal(Block target, Path dir) {
        MalformedModelException e = assertThrows(MalformedModelException.class, () -> load(target, dir),
                "loading the μP checkpoint into " + target.getClass().getSimpleName() + " must be refused");
        return e.getMessage();
    }

    private static void assertMentions(String message, String... words) {
        for (String word : words) {
            assertTrue(message.toLowerCase(Locale.ROOT).contains(word.toLowerCase(Locale.ROOT)),
                    "the message must mention '" + word + "': " + message);
        }
    }

    @Test
    void theStandardParametrizationRefusesAMuPCheckpoint(@TempDir Path dir) throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            savedMuP(manager, dir);
            MuOptions sp = MuOptions.builder().parametrization(Parametrization.SP).build();
            String message = refusal(new MlpMuP(sp, WIDTH, Models.FEATURES, Models.CLASSES), dir);
            assertMentions(message, "parametrization", "MUP", "SP");
        }
    }

    @Test
    void anotherWidthOrBaseWidthRefusesIt(@TempDir Path dir) throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            savedMuP(manager, dir);
            assertMentions(refusal(new MlpMuP(2 * WIDTH, Models.FEATURES, Models.CLASSES), dir),
                    "width 'width'", "256", "512");
            MuOptions base = MuOptions.builder().baseWidth("width", 32).build();
            assertMentions(refusal(new MlpMuP(base, WIDTH, Models.FEATURES, Models.CLASSES), dir),
                    "base of width 'width'", "64", "32");
        }
    }

    @Test
    void optionsThatChangeTheFunctionRefuseIt(@TempDir Path dir) throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            savedMuP(manager, dir);
            MuOptions alpha = MuOptions.builder().outputMultiplier(2).build();
            assertMentions(refusal(new MlpMuP(alpha, WIDTH, Models.FEATURES, Models.CLASSES), dir),
                    "output multiplier", "readout", "1.0", "2.0");
            MuOptions form = MuOptions.builder().readoutForm(ReadoutForm.NO_FORWARD_MULTIPLIER).build();
            assertMentions(refusal(new MlpMuP(form, WIDTH, Models.FEATURES, Models.CLASSES), dir),
                    "readout form", ReadoutForm.FORWARD_MULTIPLIER.name(), ReadoutForm.NO_FORWARD_MULTIPLIER.name());
        }
    }

    @Test
    void anotherAttentionMultiplierRefusesAGptCheckpoint() throws IOException {
        dev.mup.examples.gpt.CharCorpus corpus = dev.mup.examples.gpt.CharCorpus.builtIn();
        try (NDManager manager = NDManager.newBaseManager()) {
            dev.mup.examples.gpt.GptMuP gpt =
                    new dev.mup.examples.gpt.GptMuP(MuOptions.defaults(), corpus.vocabulary(), 16, 2, 64, 16);
            gpt.initialize(manager, DataType.FLOAT32, new Shape(2, 16));
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            gpt.saveParameters(new java.io.DataOutputStream(bytes));
            MuOptions alpha = MuOptions.builder().attentionMultiplier(8).build();
            dev.mup.examples.gpt.GptMuP other =
                    new dev.mup.examples.gpt.GptMuP(alpha, corpus.vocabulary(), 16, 2, 64, 16);
            MalformedModelException e = assertThrows(MalformedModelException.class, () -> other.loadParameters(
                    manager, new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))));
            assertMentions(e.getMessage(), "attention 'blocks.0.attention'", "logit scale");
        }
    }

    @Test
    void thePlainClassRefusesAMuPCheckpointAndTheMuPClassAPlainOne(@TempDir Path dir) throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            Path mu = savedMuP(manager, dir.resolve("mu"));
            refusal(new Mlp(WIDTH, Models.FEATURES, Models.CLASSES), mu);

            Path plain = dir.resolve("plain");
            Mlp mlp = new Mlp(WIDTH, Models.FEATURES, Models.CLASSES);
            mlp.initialize(manager, DataType.FLOAT32, new Shape(1, Models.FEATURES));
            save(mlp, plain);
            String message = refusal(new MlpMuP(WIDTH, Models.FEATURES, Models.CLASSES), plain);
            assertMentions(message, "not a μP checkpoint", "MlpMuP");
        }
    }

    @Test
    void initOnlyOptionsDoNotMatterToLoadedWeights(@TempDir Path dir) throws IOException, MalformedModelException {
        try (NDManager manager = NDManager.newBaseManager()) {
            MlpMuP saved = Models.mlp(manager, MuOptions.defaults(), WIDTH, 3);
            save(saved, dir);
            MuOptions init = MuOptions.builder().initMode(InitMode.normal(0.02)).zeroInitReadout(true).build();
            Engine.getInstance().setRandomSeed(5);
            MlpMuP loaded = new MlpMuP(init, WIDTH, Models.FEATURES, Models.CLASSES);
            try (Model model = Model.newInstance("mlp")) {
                model.setBlock(loaded);
                model.load(dir, "mlp");   // the loaded weights belong to the model's manager
                NDArray x = manager.randomNormal(new Shape(4, Models.FEATURES));
                ParameterStore store = new ParameterStore(manager, false);
                assertArrayEquals(
                        saved.forward(store, new NDList(x), false).singletonOrThrow().toFloatArray(),
                        loaded.forward(store, new NDList(x), false).singletonOrThrow().toFloatArray(),
                        "same weights, same function");
            }
        }
    }
}
