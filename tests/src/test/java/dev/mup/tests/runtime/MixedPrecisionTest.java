package dev.mup.tests.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.util.PairList;
import dev.mup.examples.gpt.CharCorpus;
import dev.mup.examples.gpt.GptMuP;
import dev.mup.examples.gpt.SequenceLoss;
import dev.mup.runtime.MuEmbedding;
import dev.mup.runtime.MuOptions;
import dev.mup.runtime.MuTiedReadout;
import dev.mup.runtime.coord.CoordinateCheck;
import dev.mup.runtime.coord.CoordinateCheckResult;
import dev.mup.runtime.coord.CoordinateRecord;
import dev.mup.runtime.precision.MixedPrecision;
import dev.mup.runtime.precision.Precision;
import dev.mup.runtime.precision.TrainingStep;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Mixed precision: float16 compute close to float32 but not the same arithmetic, weights and
 * gradients kept in float32, gradients close to float32's, training that lowers the loss, skipped
 * steps on overflow, checkpoints that do not see the wrapper, and bfloat16 refused with a reason.
 */
class MixedPrecisionTest {

    private static final CharCorpus CORPUS = CharCorpus.builtIn();
    private static final int BATCH = 4;
    private static final int SEQUENCE = 16;
    /** Float16 keeps 11 significant bits (relative step 2^-10 ≈ 1e-3); a forward pass adds a few. */
    private static final double FORWARD_TOLERANCE = 1e-2;
    /** Gradients go through about twice as many float16 operations as outputs do. */
    private static final double GRADIENT_TOLERANCE = 1e-2;

    private static GptMuP gpt(NDManager manager, int width) {
        Engine.getInstance().setRandomSeed(7);
        GptMuP gpt = new GptMuP(MuOptions.defaults(), CORPUS.vocabulary(), SEQUENCE, 2, width, 16);
        gpt.initialize(manager, DataType.FLOAT32, new Shape(BATCH, SEQUENCE));
        return gpt;
    }

    /** One step's loss, its gradients (by parameter name) and whether the weights were updated. */
    private record Step(float loss, Map<String, float[]> gradients, boolean updated) {}

    /**
     * Trains {@code block} (plain, or the wrapper around {@code model}) for some steps and returns
     * each step's loss and gradients, read before the update.
     */
    private static List<Step> train(Block model, Precision precision, Optimizer optimizer, Loss loss,
            int steps, Function<Integer, NDList[]> batches, float lossFactor) {
        return train(model, precision, optimizer, loss, steps, batches, lossFactor, true);
    }

    /**
     * As above; {@code managed} false trains as a plain DJL loop does, with
     * {@code collector.backward(loss)} and {@code trainer.step()} instead of {@link TrainingStep}.
     */
    private static List<Step> train(Block model, Precision precision, Optimizer optimizer, Loss loss,
            int steps, Function<Integer, NDList[]> batches, float lossFactor, boolean managed) {
        List<Step> out = new ArrayList<>();
        try (Model djl = Model.newInstance("mixed")) {
            djl.setBlock(precision.apply(model));
            try (Trainer trainer = djl.newTrainer(new DefaultTrainingConfig(loss).optOptimizer(optimizer))) {
                for (int step = 0; step < steps; step++) {
                    try (NDManager batchManager = trainer.getManager().newSubManager()) {
                        NDList[] batch = batches.apply(step);
                        batch[0].attach(batchManager);
                        batch[1].attach(batchManager);
                        float value;
                        try (GradientCollector collector = trainer.newGradientCollector()) {
                            NDList predictions = trainer.forward(batch[0]);
                            assertEquals(DataType.FLOAT32, predictions.head().getDataType(), "output type");
                            NDArray l = trainer.getLoss().evaluate(batch[1], predictions);
                            value = l.getFloat();
                            if (managed) {
                                TrainingStep.backward(trainer, collector, l.mul(lossFactor));
                            } else {
                                collector.backward(l.mul(lossFactor));
                            }
                        }
                        Map<String, float[]> gradients = new LinkedHashMap<>();
                        for (var pair : model.getParameters()) {
                            NDArray weight = pair.getValue().getArray();
                            assertEquals(DataType.FLOAT32, weight.getDataType(), pair.getKey() + " weight type");
                            NDArray gradient = weight.getGradient();
                            assertEquals(DataType.FLOAT32, gradient.getDataType(), pair.getKey() + " gradient type");
                            gradients.put(pair.getKey(), gradient.toFloatArray());
                        }
                        boolean updated = true;
                        if (managed) {
                            updated = TrainingStep.step(trainer);
                        } else {
                            trainer.step();
                        }
                        out.add(new Step(value, gradients, updated));
                    }
                }
            }
        }
        return out;
    }

    private static NDList[] gptBatch(NDManager manager, int step) {
        return CORPUS.trainBatch(manager, BATCH, SEQUENCE, 3, step);
    }

    @Test
    void forwardInFloat16IsCloseToFloat32ButNotTheSameArithmetic() {
        try (NDManager manager = NDManager.newBaseManager()) {
            GptMuP gpt = gpt(manager, 128);
            NDList[] batch = gptBatch(manager, 0);
            ParameterStore store = new ParameterStore(manager, false);
            float[] reference = gpt.forward(store, batch[0], false).head().toFloatArray();
            NDArray mixedOut = MixedPrecision.wrap(gpt, DataType.FLOAT16).forward(store, batch[0], false).head();
            assertEquals(DataType.FLOAT32, mixedOut.getDataType(), "outputs come back as float32");
            float[] mixed = mixedOut.toFloatArray();
            double scale = maxAbs(reference);
            double worst = maxAbsDifference(reference, mixed);
            assertTrue(worst <= FORWARD_TOLERANCE * scale,
                    "float16 logits within " + FORWARD_TOLERANCE + " of the largest: off by " + worst + " of " + scale);
            assertTrue(worst > 0, "float16 arithmetic must differ somewhere from float32's");
        }
    }

    @Test
    void weightsAndGradientsStayFloat32AndGradientsMatchFloat32s() {
        try (NDManager manager = NDManager.newBaseManager()) {
            GptMuP plain = gpt(manager, 64);
            Step reference = train(plain, Precision.FP32, plain.adam(1e-3f).build(), new SequenceLoss(), 1,
                    s -> gptBatch(manager, s), 1f).get(0);
            GptMuP same = gpt(manager, 64);
            Step mixed = train(same, Precision.FP16, same.adam(1e-3f).build(), new SequenceLoss(), 1,
                    s -> gptBatch(manager, s), 1f).get(0);
            assertTrue(mixed.updated(), "a finite first step is taken");
            assertEquals(reference.loss(), mixed.loss(), FORWARD_TOLERANCE * reference.loss(), "loss");
            assertTrue(reference.loss() != mixed.loss(), "the loss comes from float16 logits");
            assertEquals(reference.gradients().keySet(), mixed.gradients().keySet());
            // the key biases' gradient is zero in exact arithmetic (softmax ignores a shift of a
            // row), so both are rounding noise: compare such gradients to the whole gradient
            double total = Math.sqrt(reference.gradients().values().stream()
                    .mapToDouble(g -> norm(g) * norm(g)).sum());
            for (String name : reference.gradients().keySet()) {
                float[] r = reference.gradients().get(name);
                float[] m = mixed.gradients().get(name);
                double error = norm(difference(r, m)) / Math.max(norm(r), 1e-3 * total);
                assertTrue(error <= GRADIENT_TOLERANCE,
                        name + ": float16 gradient off by " + error + " (relative norm) from float32's");
            }
        }
    }

    @Test
    void aFewFloat16StepsLowerTheLossOfTheGptAndTheMlp() {
        try (NDManager manager = NDManager.newBaseManager()) {
            GptMuP gpt = gpt(manager, 64);
            List<Step> gptSteps = train(gpt, Precision.FP16, gpt.adam(1e-2f).build(), new SequenceLoss(), 12,
                    s -> gptBatch(manager, s), 1f);
            assertLossFalls("GPT", gptSteps);

            dev.mup.examples.mlp.MlpMuP mlp = dev.mup.tests.support.Models.mlp(manager, MuOptions.defaults(), 128, 3);
            dev.mup.examples.data.TeacherTask data = dev.mup.examples.data.TeacherTask.generate(
                    12 * 32, dev.mup.tests.support.Models.FEATURES, dev.mup.tests.support.Models.CLASSES, 5);
            List<Step> mlpSteps = train(mlp, Precision.FP16, mlp.adam(1e-2f).build(), Loss.softmaxCrossEntropyLoss(),
                    12, s -> new NDList[] {
                        new NDList(manager.create(data.inputs(s * 32, 32), new Shape(32, data.features()))),
                        new NDList(manager.create(data.labels(s * 32, 32)))
                    }, 1f);
            assertLossFalls("MLP", mlpSteps);
        }
    }

    @Test
    void aPlainDjlLoopGivesTheFloat32WeightsTheirGradients() {
        // collector.backward(loss) and trainer.step(), as DJL's Trainer is used everywhere: no
        // "Gradient values are all zeros", and the float32 weights get float32's gradients
        try (NDManager manager = NDManager.newBaseManager()) {
            GptMuP plain = gpt(manager, 64);
            Step reference = train(plain, Precision.FP32, plain.adam(1e-3f).build(), new SequenceLoss(), 1,
                    s -> gptBatch(manager, s), 1f, false).get(0);
            GptMuP same = gpt(manager, 64);
            Step mixed = train(same, Precision.FP16, same.adam(1e-3f).build(), new SequenceLoss(), 1,
                    s -> gptBatch(manager, s), 1f, false).get(0);
            double total = Math.sqrt(reference.gradients().values().stream()
                    .mapToDouble(g -> norm(g) * norm(g)).sum());
            for (String name : reference.gradients().keySet()) {
                float[] r = reference.gradients().get(name);
                float[] m = mixed.gradients().get(name);
                double error = norm(difference(r, m)) / Math.max(norm(r), 1e-3 * total);
                assertTrue(error <= GRADIENT_TOLERANCE,
                        name + ": float16 gradient off by " + error + " (relative norm) from float32's");
            }
        }
    }

    @Test
    void twoLossScaledBackwardPassesOfOneStepAddTheirGradients() {
        // gradient accumulation: the second pass's unscaling must not divide the first's again
        Map<String, float[]> accumulated = new LinkedHashMap<>();
        Map<String, float[]> summed = new LinkedHashMap<>();
        for (boolean twoPasses : new boolean[] {true, false}) {
            try (NDManager manager = NDManager.newBaseManager()) {
                GptMuP gpt = gpt(manager, 64);
                try (Model djl = Model.newInstance("accumulate")) {
                    djl.setBlock(Precision.FP16.apply(gpt));
                    try (Trainer trainer = djl.newTrainer(
                            new DefaultTrainingConfig(new SequenceLoss()).optOptimizer(gpt.adam(1e-3f).build()))) {
                        NDList[] a = gptBatch(manager, 0);
                        NDList[] b = gptBatch(manager, 1);
                        try (GradientCollector collector = trainer.newGradientCollector()) {
                            NDArray la = trainer.getLoss().evaluate(a[1], trainer.forward(a[0]));
                            if (twoPasses) {
                                TrainingStep.backward(trainer, collector, la);
                                NDArray lb = trainer.getLoss().evaluate(b[1], trainer.forward(b[0]));
                                TrainingStep.backward(trainer, collector, lb);
                            } else {
                                NDArray lb = trainer.getLoss().evaluate(b[1], trainer.forward(b[0]));
                                TrainingStep.backward(trainer, collector, la.add(lb));
                            }
                        }
                        Map<String, float[]> into = twoPasses ? accumulated : summed;
                        for (var pair : gpt.getParameters()) {
                            into.put(pair.getKey(), pair.getValue().getArray().getGradient().toFloatArray());
                        }
                    }
                }
            }
        }
        for (String name : summed.keySet()) {
            float[] r = summed.get(name);
            double error = norm(difference(r, accumulated.get(name))) / Math.max(norm(r), 1e-6);
            assertTrue(error <= GRADIENT_TOLERANCE, name + ": accumulated gradient off by " + error);
        }
    }

    @Test
    void easyTrainFitsAMixedPrecisionModel() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            dev.mup.examples.mlp.MlpMuP mlp = dev.mup.tests.support.Models.mlp(manager, MuOptions.defaults(), 128, 3);
            dev.mup.examples.data.TeacherTask data = dev.mup.examples.data.TeacherTask.generate(
                    12 * 32, dev.mup.tests.support.Models.FEATURES, dev.mup.tests.support.Models.CLASSES, 5);
            NDArray x = manager.create(data.inputs(0, 12 * 32), new Shape(12 * 32, data.features()));
            NDArray y = manager.create(data.labels(0, 12 * 32));
            Loss loss = Loss.softmaxCrossEntropyLoss();
            ParameterStore store = new ParameterStore(manager, false);
            float before = loss.evaluate(new NDList(y), mlp.forward(store, new NDList(x), false)).getFloat();
            ai.djl.training.dataset.ArrayDataset dataset = new ai.djl.training.dataset.ArrayDataset.Builder()
                    .setData(x).optLabels(y).setSampling(32, false).build();
            try (Model djl = Model.newInstance("easy")) {
                djl.setBlock(Precision.FP16.apply(mlp));
                try (Trainer trainer = djl.newTrainer(
                        new DefaultTrainingConfig(loss).optOptimizer(mlp.adam(1e-2f).build()))) {
                    ai.djl.training.EasyTrain.fit(trainer, 2, dataset, null);
                }
            }
            for (var pair : mlp.getParameters()) {
                assertEquals(DataType.FLOAT32, pair.getValue().getArray().getDataType(), pair.getKey());
            }
            float after = loss.evaluate(new NDList(y), mlp.forward(store, new NDList(x), false)).getFloat();
            assertTrue(after < 0.9f * before, "EasyTrain in float16 lowers the loss: " + before + " → " + after);
        }
    }

    @Test
    void aMuOptimizerRefusesFloat16MasterWeights() {
        try (NDManager manager = NDManager.newBaseManager()) {
            dev.mup.examples.mlp.MlpMuP mlp = new dev.mup.examples.mlp.MlpMuP(
                    128, dev.mup.tests.support.Models.FEATURES, dev.mup.tests.support.Models.CLASSES);
            mlp.initialize(manager, DataType.FLOAT16, new Shape(1, dev.mup.tests.support.Models.FEATURES));
            for (Function<dev.mup.examples.mlp.MlpMuP, Optimizer> build : List.<Function<dev.mup.examples.mlp.MlpMuP, Optimizer>>of(
                    m -> m.adam(1e-3f).build(), m -> m.adamW(1e-3f, 0.1f).build(), m -> m.sgd(0.1f).build())) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> build.apply(mlp));
                assertTrue(e.getMessage().contains("float16") && e.getMessage().contains("Precision.FP16")
                        && e.getMessage().contains("FLOAT32"), e.getMessage());
            }
        }
    }

    private static void assertLossFalls(String model, List<Step> steps) {
        assertTrue(steps.stream().allMatch(Step::updated), model + ": no step overflowed at the first scale");
        double first = (steps.get(0).loss() + steps.get(1).loss()) / 2;
        double last = (steps.get(steps.size() - 1).loss() + steps.get(steps.size() - 2).loss()) / 2;
        assertTrue(last < 0.9 * first, model + " float16 training lowers the loss: " + first + " → " + last);
    }

    @Test
    void anOverflowingStepIsSkippedAndTheLossScaleHalved() {
        try (NDManager manager = NDManager.newBaseManager()) {
            GptMuP gpt = gpt(manager, 64);
            MixedPrecision[] wrapper = new MixedPrecision[1];
            Map<String, float[]> before = snapshot(gpt);
            try (Model djl = Model.newInstance("overflow")) {
                wrapper[0] = MixedPrecision.wrap(gpt, DataType.FLOAT16);
                djl.setBlock(wrapper[0]);
                float scale = wrapper[0].lossScale();
                try (Trainer trainer = djl.newTrainer(
                        new DefaultTrainingConfig(new SequenceLoss()).optOptimizer(gpt.adam(1e-2f).build()))) {
                    try (NDManager batchManager = trainer.getManager().newSubManager()) {
                        NDList[] batch = gptBatch(batchManager, 0);
                        try (GradientCollector collector = trainer.newGradientCollector()) {
                            NDArray loss = trainer.getLoss().evaluate(batch[1], trainer.forward(batch[0]));
                            // 1e6 × 2^16 × the logits' gradient is far beyond float16's 65504
                            TrainingStep.backward(trainer, collector, loss.mul(1e6f));
                        }
                        assertFalse(TrainingStep.step(trainer), "the overflowing step is skipped");
                    }
                }
                assertEquals(scale / 2, wrapper[0].lossScale(), "the scale is halved");
                assertEquals(1, wrapper[0].skippedSteps());
            }
            Map<String, float[]> after = snapshot(gpt);
            for (String name : before.keySet()) {
                assertArrayEquals(before.get(name), after.get(name), name + " untouched by the skipped step");
            }
        }
    }

    /** Embedding and a readout tied to it: the table is used twice in a pass. */
    private static final class Tied extends AbstractBlock {
        final MuEmbedding embedding = addChildBlock("embedding", new MuEmbedding(11, 32));
        final MuTiedReadout readout = addChildBlock("readout", new MuTiedReadout(embedding));

        @Override
        protected NDList forwardInternal(
                ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
            return readout.forward(ps, embedding.forward(ps, inputs, training), training);
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return new Shape[] {inputShapes[0].add(11)};
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            embedding.initialize(manager, dataType, inputShapes);
        }
    }

    @Test
    void aSharedTableGetsTheGradientOfBothUses() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Function<Integer, NDList[]> batches = s -> new NDList[] {
                new NDList(manager.create(new int[] {1, 4, 7, 10, 2, 5}, new Shape(2, 3))),
                new NDList(manager.create(new int[] {4, 7, 10, 2, 5, 8}, new Shape(2, 3)))
            };
            Map<String, float[]> gradients = new LinkedHashMap<>();
            for (Precision precision : Precision.values()) {
                Engine.getInstance().setRandomSeed(11);
                Tied tied = new Tied();
                tied.initialize(manager, DataType.FLOAT32, new Shape(2, 3));
                Step step = train(tied, precision, Optimizer.sgd().setLearningRateTracker(
                        ai.djl.training.tracker.Tracker.fixed(0.1f)).build(), new SequenceLoss(), 1, batches, 1f).get(0);
                gradients.put(precision.toString(), step.gradients().values().iterator().next());
            }
            float[] reference = gradients.get("fp32");
            double error = norm(difference(reference, gradients.get("fp16"))) / norm(reference);
            assertTrue(error <= GRADIENT_TOLERANCE, "shared table's gradient off by " + error);
        }
    }

    @Test
    void aCoordinateCheckRunsOnTheGivenDeviceInEitherPrecision() {
        dev.mup.examples.data.TeacherTask data = dev.mup.examples.data.TeacherTask.generate(
                3 * 32, dev.mup.tests.support.Models.FEATURES, dev.mup.tests.support.Models.CLASSES, 5);
        Map<Precision, CoordinateCheckResult> results = new LinkedHashMap<>();
        for (Precision precision : Precision.values()) {
            CoordinateCheck check = CoordinateCheck.builder()
                    .widths(List.of(64, 256))
                    .steps(3)
                    .seeds(1)
                    .device(Device.cpu())
                    .precision(precision)
                    .models((width, seed, manager) -> {
                        assertEquals(Device.cpu(), manager.getDevice(), "the model's manager is on the device");
                        return dev.mup.tests.support.Models.mlp(manager, MuOptions.defaults(), width, 1 + seed);
                    })
                    .optimizers(m -> m.adam(1e-2f).build())
                    .batches((manager, step) -> new NDList[] {
                        new NDList(manager.create(data.inputs(step * 32, 32), new Shape(32, data.features()))),
                        new NDList(manager.create(data.labels(step * 32, 32)))
                    })
                    .build();
            assertEquals(Device.cpu(), check.device());
            results.put(precision, check.run((done, total) -> {}));
        }
        List<CoordinateRecord> fp32 = results.get(Precision.FP32).records();
        List<CoordinateRecord> fp16 = results.get(Precision.FP16).records();
        assertEquals(fp32.size(), fp16.size());
        for (int i = 0; i < fp32.size(); i++) {
            CoordinateRecord a = fp32.get(i);
            CoordinateRecord b = fp16.get(i);
            assertEquals(a.layer() + a.width() + a.t(), b.layer() + b.width() + b.t());
            assertEquals(a.l1(), b.l1(), 2e-2 * a.l1(), a.layer() + " at width " + a.width() + ", t = " + a.t());
        }
    }

    @Test
    void aCheckpointOfTheWrappedModelIsTheModels() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            GptMuP trained = gpt(manager, 64);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            MixedPrecision.wrap(trained, DataType.FLOAT16).saveParameters(new DataOutputStream(bytes));
            Engine.getInstance().setRandomSeed(99);
            GptMuP fresh = new GptMuP(MuOptions.defaults(), CORPUS.vocabulary(), SEQUENCE, 2, 64, 16);
            fresh.initialize(manager, DataType.FLOAT32, new Shape(BATCH, SEQUENCE));
            fresh.loadParameters(manager, new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
            Map<String, float[]> a = snapshot(trained);
            Map<String, float[]> b = snapshot(fresh);
            for (String name : a.keySet()) {
                assertArrayEquals(a.get(name), b.get(name), name);
            }
        }
    }

    @Test
    void bfloat16IsRefusedWithTheEnginesReason() {
        IllegalArgumentException wrap = assertThrows(IllegalArgumentException.class,
                () -> MixedPrecision.wrap(new Tied(), DataType.BFLOAT16));
        assertTrue(wrap.getMessage().contains("bfloat16") && wrap.getMessage().contains("fp16"), wrap.getMessage());
        IllegalArgumentException parse = assertThrows(IllegalArgumentException.class, () -> Precision.parse("bf16"));
        assertEquals(wrap.getMessage(), parse.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MixedPrecision.wrap(new Tied(), DataType.FLOAT64));
        assertEquals(Precision.FP16, Precision.parse("FP16"));
    }

    private static Map<String, float[]> snapshot(Block block) {
        Map<String, float[]> values = new LinkedHashMap<>();
        for (var pair : block.getParameters()) {
            Parameter p = pair.getValue();
            values.put(pair.getKey(), p.getArray().toFloatArray());
        }
        return values;
    }

    private static double maxAbs(float[] a) {
        double m = 0;
        for (float v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    private static double maxAbsDifference(float[] a, float[] b) {
        return maxAbs(difference(a, b));
    }

    private static float[] difference(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        float[] d = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i] - b[i];
        }
        return d;
    }

    private static double norm(float[] a) {
        double s = 0;
        for (float v : a) {
            s += (double) v * v;
        }
        return Math.sqrt(s);
    }
}
