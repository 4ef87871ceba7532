package dev.mup.tests.gpt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import dev.mup.examples.gpt.CharCorpus;
import dev.mup.examples.gpt.GptBlock;
import dev.mup.examples.gpt.GptMuP;
import dev.mup.examples.gpt.GptVariant;
import dev.mup.examples.gpt.SequenceLoss;
import dev.mup.examples.gpt.TiedGptMuP;
import dev.mup.runtime.AttentionScaling;
import dev.mup.runtime.MuAttention;
import dev.mup.runtime.MuModel;
import dev.mup.runtime.MuOptions;
import dev.mup.runtime.MuRmsNorm;
import dev.mup.runtime.ParameterClass;
import dev.mup.runtime.ParameterReport;
import dev.mup.runtime.Parametrization;
import dev.mup.runtime.UpdateRule;
import dev.mup.runtime.WeightDecayMode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The architectural variants of the example GPT (Lingle's study): RMSNorm with a vector gain, no
 * gain or a scalar gain, SwiGLU, no biases. Each is μP = SP at the base width, and each part is
 * classified and scaled as the μP rules say (width 128, base 64: m = 2).
 */
class GptVariantTest {

    private static final MuOptions SP = MuOptions.builder().parametrization(Parametrization.SP).build();
    private static final CharCorpus CORPUS = CharCorpus.builtIn();
    private static final int BATCH = 4;
    private static final int SEQUENCE = 16;

    private static final GptVariant RMS = GptVariant.builder().norm(GptVariant.Norm.RMS_NORM).build();
    private static final GptVariant RMS_NO_GAIN =
            GptVariant.builder().norm(GptVariant.Norm.RMS_NORM).gain(MuRmsNorm.Gain.NONE).build();
    private static final GptVariant RMS_SCALAR_GAIN =
            GptVariant.builder().norm(GptVariant.Norm.RMS_NORM).gain(MuRmsNorm.Gain.SCALAR).build();
    private static final GptVariant SWIGLU =
            GptVariant.builder().feedForward(GptVariant.FeedForward.SWIGLU).build();
    private static final GptVariant NO_BIAS = GptVariant.builder().bias(false).build();

    private static GptMuP gpt(NDManager manager, MuOptions options, int width, GptVariant variant) {
        Engine.getInstance().setRandomSeed(5);
        GptMuP gpt = new GptMuP(options, CORPUS.vocabulary(), SEQUENCE, 2, width, 16, variant);
        gpt.initialize(manager, DataType.FLOAT32, new Shape(BATCH, SEQUENCE));
        return gpt;
    }

    private static List<Float> train(MuModel gpt, Function<MuModel, Optimizer> optimizer, int steps) {
        List<Float> losses = new ArrayList<>();
        try (Model model = Model.newInstance("gpt")) {
            model.setBlock(gpt);
            DefaultTrainingConfig config = new DefaultTrainingConfig(new SequenceLoss())
                    .optOptimizer(optimizer.apply(gpt));
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

    private static Map<String, ParameterReport> table(MuModel gpt, UpdateRule rule) {
        Map<String, ParameterReport> out = new LinkedHashMap<>();
        for (ParameterReport r : gpt.muParametrization().report(rule, WeightDecayMode.DECOUPLED)) {
            out.put(r.parameter().name(), r);
        }
        return out;
    }

    @Test
    void everyVariantIsTheStandardGptAtBaseWidth() {
        GptVariant all = GptVariant.builder().norm(GptVariant.Norm.RMS_NORM).gain(MuRmsNorm.Gain.SCALAR)
                .feedForward(GptVariant.FeedForward.SWIGLU).bias(false).build();
        try (NDManager manager = NDManager.newBaseManager()) {
            for (GptVariant variant : List.of(RMS, RMS_NO_GAIN, RMS_SCALAR_GAIN, SWIGLU, NO_BIAS)) {
                List<Float> mup = train(gpt(manager, MuOptions.defaults(), 64, variant), m -> m.adam(3e-3f).build(), 3);
                List<Float> sp = train(gpt(manager, SP, 64, variant), m -> m.adam(3e-3f).build(), 3);
                assertEquals(sp, mup, variant + ": μP and SP losses at base width");
                assertTrue(mup.get(2) < mup.get(0), variant + " trains: " + mup);
            }
            // and with Lion, every choice at once
            List<Float> mup = train(gpt(manager, MuOptions.defaults(), 64, all), m -> m.lion(3e-4f).build(), 3);
            List<Float> sp = train(gpt(manager, SP, 64, all), m -> m.lion(3e-4f).build(), 3);
            assertEquals(sp, mup, all + " with Lion: μP and SP losses at base width");
            List<Float> wideMup = train(gpt(manager, MuOptions.defaults(), 128, all), m -> m.lion(3e-4f).build(), 3);
            List<Float> wideSp = train(gpt(manager, SP, 128, all), m -> m.lion(3e-4f).build(), 3);
            assertNotEquals(wideSp, wideMup, all + ": μP and SP differ at 2× the base width");
        }
    }

    @Test
    void rmsNormGainsAreInputLikeOrFixedOrAbsent() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, ParameterReport> vector = table(gpt(manager, MuOptions.defaults(), 128, RMS), UpdateRule.SGD);
            ParameterReport gain = vector.get("blocks.0.attentionNorm.gamma");
            assertEquals(ParameterClass.INPUT_LIKE, gain.parameter().parameterClass());
            assertEquals(List.of(128L), gain.parameter().shape());
            assertEquals(2.0, gain.scaling().lrMultiplier(), 1e-15, "input-like SGD lr η·m_out");
            assertTrue(vector.keySet().stream().noneMatch(n -> n.endsWith(".beta")), "RMSNorm has no bias");

            GptMuP noGain = gpt(manager, MuOptions.defaults(), 128, RMS_NO_GAIN);
            assertTrue(table(noGain, UpdateRule.ADAM).keySet().stream().noneMatch(n -> n.contains("Norm")),
                    "a gain-free RMSNorm has no parameters");
            assertEquals(noGain.getParameters().size(), noGain.muParametrization().parameters().size());

            for (UpdateRule rule : UpdateRule.values()) {
                GptMuP scalar = gpt(manager, MuOptions.defaults(), 128, RMS_SCALAR_GAIN);
                for (String norm : List.of("blocks.0.attentionNorm", "blocks.1.ffnNorm", "finalNorm")) {
                    ParameterReport r = table(scalar, rule).get(norm + ".gamma");
                    assertEquals(ParameterClass.FIXED, r.parameter().parameterClass(), norm);
                    assertEquals(List.of(1L), r.parameter().shape(), norm);
                    assertEquals(0.0, r.scaling().initStd(), 0.0, norm + " starts at the constant 1");
                    assertEquals(1.0, r.scaling().lrMultiplier(), 1e-15, norm + " " + rule + ": lr as at base");
                    assertEquals(1.0, r.scaling().weightDecayMultiplier(), 1e-15, norm);
                }
                assertEquals(scalar.getParameters().size(), scalar.muParametrization().parameters().size());
            }
        }
    }

    @Test
    void swiGluFusesValueAndGateInOneHiddenLayer() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, ParameterReport> t = table(gpt(manager, MuOptions.defaults(), 128, SWIGLU), UpdateRule.ADAM);
            ParameterReport up = t.get("blocks.0.up.weight");
            assertEquals(List.of(2L * 512, 128L), up.parameter().shape(), "value and gate: 2·dFfn outputs");
            assertEquals(ParameterClass.HIDDEN, up.parameter().parameterClass());
            assertEquals(0.5, up.scaling().lrMultiplier(), 1e-15, "hidden Adam lr η/m_in");
            // PyTorch's default init of a dModel → dFfn layer, whatever its number of outputs
            assertEquals(1 / Math.sqrt(3.0 * 128), up.scaling().initStd(), 1e-12);
            ParameterReport down = t.get("blocks.0.down.weight");
            assertEquals(List.of(128L, 512L), down.parameter().shape());
            assertEquals(0.5, down.scaling().lrMultiplier(), 1e-15, "down: fan_in dFfn 512 over base 256");
        }
    }

    @Test
    void rmsNormVariantsSaveAndLoadWithDjl(@TempDir Path dir) throws IOException, MalformedModelException {
        try (NDManager manager = NDManager.newBaseManager()) {
            for (GptVariant variant : List.of(RMS, RMS_NO_GAIN, RMS_SCALAR_GAIN)) {
                GptMuP trained = gpt(manager, MuOptions.defaults(), 128, variant);
                train(trained, m -> m.adam(3e-3f).build(), 2);
                String name = "gpt-" + variant.gain();
                try (Model model = Model.newInstance(name)) {
                    model.setBlock(trained);
                    model.save(dir, name);
                }
                GptMuP loaded = new GptMuP(MuOptions.defaults(), CORPUS.vocabulary(), SEQUENCE, 2, 128, 16, variant);
                try (Model model = Model.newInstance(name)) {
                    model.setBlock(loaded);
                    model.load(dir, name);
                    NDArray ids = CORPUS.trainBatch(manager, BATCH, SEQUENCE, 1, 0)[0].singletonOrThrow();
                    ParameterStore store = new ParameterStore(manager, false);
                    assertArrayEquals(
                            trained.forward(store, new NDList(ids), false).singletonOrThrow().toFloatArray(),
                            loaded.forward(store, new NDList(ids), false).singletonOrThrow().toFloatArray(),
                            variant + ": outputs after loading");
                }
            }
        }
    }

    @Test
    void withAFixedNumberOfHeadsTheLogitScaleIsAChoice() {
        GptVariant fixedCount = GptVariant.builder().heads(GptVariant.Heads.FIXED_COUNT).build();
        MuOptions sqrt = MuOptions.builder().attentionScaling(AttentionScaling.INVERSE_SQRT_HEAD_SIZE).build();
        try (NDManager manager = NDManager.newBaseManager()) {
            // head size 16 at base 64: 4 heads at every width; at dModel 256 the head size is 64
            MuAttention mu = gpt(manager, MuOptions.defaults(), 256, fixedCount)
                    .muParametrization().attentions().get("blocks.0.attention");
            assertEquals(4, mu.heads());
            assertEquals(64, mu.headSize());
            assertEquals(Math.sqrt(16) / 64, mu.logitScale(), 1e-7, "μP: α/d_head, α = √(base d_head)");
            MuAttention standard = gpt(manager, sqrt, 256, fixedCount)
                    .muParametrization().attentions().get("blocks.1.attention");
            assertEquals(1 / Math.sqrt(64), standard.logitScale(), 1e-7, "the 1/√d_head choice");
            MuAttention base = gpt(manager, sqrt, 64, fixedCount)
                    .muParametrization().attentions().get("blocks.0.attention");
            assertEquals(1 / Math.sqrt(16), base.logitScale(), 1e-7, "both agree at base width");
            // the default GPT (fixed head size) gets the same scale either way
            assertEquals(1 / Math.sqrt(16), gpt(manager, sqrt, 256, GptVariant.defaults())
                    .muParametrization().attentions().get("blocks.0.attention").logitScale(), 1e-7);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new GptMuP(MuOptions.defaults(), 65, SEQUENCE, 2, 96, 48, GptVariant.builder()
                        .heads(GptVariant.Heads.FIXED_COUNT).build()));
        assertTrue(e.getMessage().contains("must divide the base dModel 64"), e.getMessage());
    }

    @Test
    void swiGluGatesTheValueHalfWithTheSiluOfTheGateHalf() {
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] x = manager.randomNormal(0f, 2f, new Shape(3, 8), DataType.FLOAT32).toFloatArray();
            float[] actual = GptBlock.swiGlu(manager.create(x, new Shape(3, 8))).toFloatArray();
            assertEquals(12, actual.length);
            for (int r = 0; r < 3; r++) {
                for (int c = 0; c < 4; c++) {
                    double value = x[r * 8 + c];
                    double gate = x[r * 8 + 4 + c];
                    double expected = gate / (1 + Math.exp(-gate)) * value;
                    assertEquals(expected, actual[r * 4 + c], 1e-5 * Math.max(1, Math.abs(expected)));
                }
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> GptBlock.swiGlu(manager.ones(new Shape(2, 5))));
            assertTrue(e.getMessage().contains("(2, 5)"), e.getMessage());
        }
    }

    @Test
    void projectionsWithoutBiasesAndTiedReadoutsTakeVariantsToo() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, ParameterReport> t = table(gpt(manager, MuOptions.defaults(), 128, NO_BIAS), UpdateRule.ADAM);
            assertTrue(t.keySet().stream().noneMatch(n -> n.startsWith("blocks.") && n.endsWith(".bias")),
                    "no bias in any block: " + t.keySet());
            assertTrue(t.containsKey("readout.bias"), "the readout keeps its bias");
            Engine.getInstance().setRandomSeed(5);
            TiedGptMuP tied = new TiedGptMuP(MuOptions.defaults(), CORPUS.vocabulary(), SEQUENCE, 2, 128, 16,
                    RMS_SCALAR_GAIN);
            tied.initialize(manager, DataType.FLOAT32, new Shape(BATCH, SEQUENCE));
            assertEquals(ParameterClass.FIXED, table(tied, UpdateRule.ADAM).get("finalNorm.gamma")
                    .parameter().parameterClass());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GptVariant.builder().gain(MuRmsNorm.Gain.SCALAR).build());
        assertTrue(e.getMessage().contains("RMS_NORM"), e.getMessage());
        assertEquals(GptVariant.defaults(), GptVariant.builder().build());
    }
}
