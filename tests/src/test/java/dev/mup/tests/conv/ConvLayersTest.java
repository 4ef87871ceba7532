package dev.mup.tests.conv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv1d;
import ai.djl.nn.convolutional.Conv3d;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import dev.mup.runtime.MuConv2d;
import dev.mup.runtime.MuModel;
import dev.mup.runtime.MuOptions;
import dev.mup.runtime.MuParameter;
import dev.mup.runtime.MuParametrization;
import dev.mup.runtime.ParameterClass;
import dev.mup.runtime.ParameterScaling;
import dev.mup.runtime.UpdateRule;
import dev.mup.runtime.WeightDecayMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Convolutions and BatchNorm at run time: fans of Conv1d and Conv3d (grouped too) counted as
 * PyTorch counts them, Conv2d replaced by an observable {@link MuConv2d} also inside
 * {@code @MuBlock}s while Conv1d and Conv3d stay in place, BatchNorm's running statistics kept out
 * of μP and of the optimizers, and the errors for a Conv2d subclass and for channels that are not
 * a multiple of the declared width, and saved CNNs loading into μP and plain models alike.
 */
class ConvLayersTest {

    private static final double EPS = 1e-12;

    @Test
    void conv1dFansCountTheKernelAndTheGroups() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SignalNets_Net1dMuP model = new SignalNets_Net1dMuP(MuOptions.defaults(), 32);
            model.initialize(manager, DataType.FLOAT32, new Shape(2, 2, 20));
            MuParametrization mu = model.muParametrization();
            assertSame(Conv1d.class, mu.layer("first").orElseThrow().block().getClass(), "kept in place");
            assertSame(mu.layer("grouped").orElseThrow().block(), model.grouped, "the field holds it");
            Map<String, MuParameter> p = byName(mu);
            double m = 32.0 / 8;
            // first: weight (32, 2, 3): input-like, fan_in 2·3, fan_out 32·3
            expect(p.get("first.weight"), ParameterClass.INPUT_LIKE, 6, 96, 1, m);
            expect(p.get("first.bias"), ParameterClass.INPUT_LIKE, 6, 32, 1, m);
            // grouped: weight (64, 16, 5) with 2 groups: fan_in 16·5, fan_out 64·5
            assertEquals(List.of(64L, 16L, 5L), p.get("grouped.weight").shape());
            expect(p.get("grouped.weight"), ParameterClass.HIDDEN, 80, 320, m, m);
            expect(p.get("grouped.bias"), ParameterClass.INPUT_LIKE, 80, 64, m, m);
            ParameterScaling w = mu.rule().scaling(p.get("grouped.weight"), UpdateRule.ADAM, WeightDecayMode.COUPLED);
            assertEquals(1 / Math.sqrt(3 * 80.0), w.initStd(), EPS, "PyTorch's default conv init");
            assertEquals(1 / m, w.lrMultiplier(), EPS);
            ParameterScaling b = mu.rule().scaling(p.get("grouped.bias"), UpdateRule.ADAM, WeightDecayMode.COUPLED);
            assertEquals(Math.sqrt(m) / Math.sqrt(3 * 80.0), b.initStd(), EPS, "mup's bias rescale by sqrt(m_in)");
        }
    }

    @Test
    void conv3dFansCountTheKernelVolume() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SignalNets_Net3dMuP model = new SignalNets_Net3dMuP(MuOptions.defaults(), 8);
            model.initialize(manager, DataType.FLOAT32, new Shape(2, 1, 4, 8, 8));
            MuParametrization mu = model.muParametrization();
            assertSame(Conv3d.class, mu.layer("second").orElseThrow().block().getClass(), "kept in place");
            Map<String, MuParameter> p = byName(mu);
            double m = 8.0 / 4;
            expect(p.get("first.weight"), ParameterClass.INPUT_LIKE, 18, 8 * 18, 1, m);
            expect(p.get("second.weight"), ParameterClass.HIDDEN, 8 * 9, 8 * 9, m, m);
            ParameterScaling sgd = mu.rule().scaling(p.get("second.weight"), UpdateRule.SGD, WeightDecayMode.COUPLED);
            assertEquals(1.0, sgd.lrMultiplier(), EPS, "hidden SGD lr m_out/m_in");
            try (NDManager step = manager.newSubManager()) {
                NDArray out = model.forward(new ParameterStore(step, false),
                        new NDList(step.randomNormal(new Shape(2, 1, 4, 8, 8))), false).singletonOrThrow();
                assertEquals(new Shape(2, 3), out.getShape());
            }
        }
    }

    @Test
    void conv2dIsReplacedInBlocksAndObserved() {
        try (NDManager manager = NDManager.newBaseManager()) {
            ConvTowerMuP model = new ConvTowerMuP(MuOptions.defaults(), 8, 2);
            model.initialize(manager, DataType.FLOAT32, new Shape(2, 3, 6, 6));
            MuParametrization mu = model.muParametrization();
            assertInstanceOf(MuConv2d.class, model.stem);
            for (ConvUnit unit : model.units) {
                assertInstanceOf(MuConv2d.class, unit.conv);
                assertTrue(unit.getChildren().values().contains(unit.conv), "installed among the block's children");
            }
            List<String> names = new ArrayList<>();
            for (MuParameter p : mu.parameters()) {
                names.add(p.name());
            }
            assertEquals(List.of("stem.weight", "stem.bias",
                    "units.0.conv.weight", "units.0.norm.gamma", "units.0.norm.beta",
                    "units.1.conv.weight", "units.1.norm.gamma", "units.1.norm.beta",
                    "readout.weight", "readout.bias"), names, "no running statistics");
            Set<String> seen = new TreeSet<>();
            try (NDManager step = manager.newSubManager();
                    AutoCloseable observing = mu.observe((name, output) -> seen.add(name))) {
                model.forward(new ParameterStore(step, false),
                        new NDList(step.randomNormal(new Shape(2, 3, 6, 6))), false);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            assertEquals(Set.of("stem", "units.0.conv", "units.1.conv", "readout"), seen);
        }
    }

    @Test
    void aConv2dSubclassIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ConvTowerMuP(MuOptions.defaults(), 8, 1, true));
        assertTrue(e.getMessage().contains("ConvTower.stem holds a dev.mup.tests.conv.ConvTower$OwnConv2d"),
                e.getMessage());
        assertTrue(e.getMessage().contains("build the field with Conv1d/Conv2d/Conv3d.builder()"), e.getMessage());
    }

    @Test
    void channelsThatAreNotAMultipleOfTheWidthAreRefused() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SignalNets_Net1dMuP model = new SignalNets_Net1dMuP(MuOptions.defaults(), 8, 10);
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> model.initialize(manager, DataType.FLOAT32, new Shape(2, 2, 20)));
            assertEquals("Layer 'grouped' declares that its output channel count scales with width 'width' = 8,"
                    + " but its parameter 'weight' has shape (10, 4, 5) with output channel count 10, which is not a"
                    + " multiple of 8. Name the right width in the annotation or fix the layer size.",
                    e.getMessage());
        }
    }

    /**
     * BatchNorm's running statistics are updated by the forward pass only: after a training step
     * with MuSGD (large learning rate and weight decay) they are exactly what a plain DJL model
     * with the same initial parameters and optimizer settings gets, and no longer DJL's initial
     * zeros and ones; they have no μP scaling and no μP initializer.
     */
    @Test
    void runningStatisticsAreLeftToTheForwardPass() {
        try (NDManager manager = NDManager.newBaseManager()) {
            MuModel mu = CnnModels.create(MuOptions.defaults(), 8, true);
            CnnModels.initialize(mu, manager, 3);
            MupCnnBatchNorm plain = new MupCnnBatchNorm(8);
            plain.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 32, 32));
            Map<String, Parameter> plainParameters = new LinkedHashMap<>();
            for (Pair<String, Parameter> pair : plain.getParameters()) {
                plainParameters.put(pair.getKey(), pair.getValue());
            }
            for (Pair<String, Parameter> pair : mu.getParameters()) {
                plainParameters.get(pair.getKey()).getArray().set(pair.getValue().getArray().toFloatArray());
            }
            Set<String> scaled = mu.muParametrization()
                    .scalingById(UpdateRule.SGD, WeightDecayMode.COUPLED).keySet();
            for (Pair<String, Parameter> pair : mu.getParameters()) {
                boolean running = pair.getKey().contains("running");
                assertEquals(!running, scaled.contains(pair.getValue().getId()), pair.getKey());
            }

            Engine.getInstance().setRandomSeed(4);
            NDArray x = manager.randomNormal(new Shape(16, 3, 32, 32));
            NDArray y = manager.randomInteger(0, 10, new Shape(16), DataType.INT64);
            step(mu, mu.sgd(0.5f).optWeightDecay(0.1f, WeightDecayMode.COUPLED).build(), x, y);
            step(plain, Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.5f)).optWeightDecays(0.1f).build(),
                    x, y);

            for (Pair<String, Parameter> pair : mu.getParameters()) {
                if (!pair.getKey().contains("running")) {
                    continue;
                }
                float[] ours = pair.getValue().getArray().toFloatArray();
                float[] theirs = plainParameters.get(pair.getKey()).getArray().toFloatArray();
                float initial = pair.getKey().endsWith("runningMean") ? 0f : 1f;
                boolean moved = false;
                for (int i = 0; i < ours.length; i++) {
                    assertEquals(theirs[i], ours[i], 1e-6 * Math.max(1, Math.abs(theirs[i])), pair.getKey());
                    moved |= ours[i] != initial;
                }
                assertTrue(moved, pair.getKey() + " is updated by the forward pass");
            }
        }
    }

    /**
     * A trained μP CNN with BatchNorm saved with DJL loads, bit for bit and running statistics
     * included, into a fresh μP model (nothing rescaled a second time; the same inference outputs);
     * the plain DJL model it was annotated on refuses the checkpoint, which carries the μP
     * parametrization ({@code MuCheckpoint}) and would compute another function without it.
     */
    @Test
    void savedConvolutionalModelsLoadIntoMupModelsOnly(@TempDir Path dir) throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            MuModel trained = CnnModels.create(MuOptions.defaults(), 16, true);
            CnnModels.initialize(trained, manager, 5);
            Engine.getInstance().setRandomSeed(6);
            NDArray x = manager.randomNormal(new Shape(8, 3, 32, 32));
            NDArray y = manager.randomInteger(0, 10, new Shape(8), DataType.INT64);
            step(trained, trained.adam(1e-2f).build(), x, y);
            Map<String, float[]> saved = values(trained);
            try (Model model = Model.newInstance("cnn")) {
                model.setBlock(trained);
                model.save(dir, "cnn");
            }
            ParameterStore store = new ParameterStore(manager, false);
            float[] expected = trained.forward(store, new NDList(x), false).singletonOrThrow().toFloatArray();
            Block fresh = CnnModels.create(MuOptions.defaults(), 16, true);
            try (Model model = Model.newInstance("cnn")) {
                model.setBlock(fresh);
                model.load(dir, "cnn");
                Map<String, float[]> restored = values(fresh);
                assertEquals(saved.keySet(), restored.keySet());
                for (String name : saved.keySet()) {
                    assertArrayEquals(saved.get(name), restored.get(name), name + " loaded into " + fresh);
                }
                assertArrayEquals(expected,
                        fresh.forward(store, new NDList(x), false).singletonOrThrow().toFloatArray(),
                        "inference outputs of the loaded μP model");
            }
            try (Model model = Model.newInstance("cnn")) {
                model.setBlock(new MupCnnBatchNorm(16));
                assertThrows(ai.djl.MalformedModelException.class, () -> model.load(dir, "cnn"),
                        "the plain model refuses a μP checkpoint");
            }
        }
    }

    private static Map<String, float[]> values(Block block) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Pair<String, Parameter> pair : block.getParameters()) {
            out.put(pair.getKey(), pair.getValue().getArray().toFloatArray());
        }
        return out;
    }

    private static void step(Block block, Optimizer optimizer, NDArray x, NDArray y) {
        try (Model model = Model.newInstance("cnn")) {
            model.setBlock(block);
            try (Trainer trainer = model.newTrainer(
                    new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss()).optOptimizer(optimizer));
                    GradientCollector collector = trainer.newGradientCollector()) {
                NDArray loss = trainer.getLoss().evaluate(new NDList(y), trainer.forward(new NDList(x)));
                collector.backward(loss);
                trainer.step();
            }
        }
    }

    private static Map<String, MuParameter> byName(MuParametrization mu) {
        Map<String, MuParameter> out = new LinkedHashMap<>();
        for (MuParameter p : mu.parameters()) {
            out.put(p.name(), p);
        }
        return out;
    }

    private static void expect(
            MuParameter p, ParameterClass type, long fanIn, long fanOut, double mIn, double mOut) {
        assertEquals(type, p.parameterClass(), p.name());
        assertEquals(fanIn, p.fanIn(), p.name() + " fan_in");
        assertEquals(fanOut, p.fanOut(), p.name() + " fan_out");
        assertEquals(mIn, p.fanInMultiplier(), EPS, p.name() + " m_in");
        assertEquals(mOut, p.fanOutMultiplier(), EPS, p.name() + " m_out");
    }
}
