package dev.mup.tests.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.util.Pair;
import dev.mup.examples.gpt.CharCorpus;
import dev.mup.examples.gpt.GptMuP;
import dev.mup.examples.gpt.SequenceLoss;
import dev.mup.runtime.DecayTargets;
import dev.mup.runtime.MuOptions;
import dev.mup.runtime.MuOptimizer;
import dev.mup.runtime.ParameterKind;
import dev.mup.runtime.ParameterReport;
import dev.mup.runtime.UpdateRule;
import dev.mup.runtime.WeightDecayMode;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Which parameters decay: {@link DecayTargets#MATRICES} (the usual large-scale recipe: no decay on
 * biases, norm gains and biases, and embeddings) against {@link DecayTargets#ALL} (the default),
 * in the report and in the weights after one step of the GPT example, which has every kind.
 */
class WeightDecayTargetsTest {

    private static final CharCorpus CORPUS = CharCorpus.builtIn();
    private static final int WIDTH = 128;
    private static final int BATCH = 4;
    private static final int SEQUENCE = 16;
    private static final float LR = 1e-2f;
    private static final float WD = 0.5f;

    private static GptMuP gpt(NDManager manager) {
        Engine.getInstance().setRandomSeed(4);
        GptMuP gpt = new GptMuP(MuOptions.defaults(), CORPUS.vocabulary(), SEQUENCE, 1, WIDTH, 16);
        gpt.initialize(manager, DataType.FLOAT32, new Shape(BATCH, SEQUENCE));
        return gpt;
    }

    @Test
    void reportGivesExcludedParametersNoDecay() {
        try (NDManager manager = NDManager.newBaseManager()) {
            GptMuP gpt = gpt(manager);
            int kinds = 0;
            for (WeightDecayMode mode : WeightDecayMode.values()) {
                var all = gpt.muParametrization().report(UpdateRule.ADAM, mode);
                var matrices = gpt.muParametrization().report(UpdateRule.ADAM, mode, DecayTargets.MATRICES);
                var everything = gpt.muParametrization().report(UpdateRule.ADAM, mode, DecayTargets.ALL);
                assertEquals(all, everything, "ALL is the default");
                assertEquals(all.size(), matrices.size());
                for (int i = 0; i < all.size(); i++) {
                    ParameterReport a = all.get(i);
                    ParameterReport m = matrices.get(i);
                    boolean matrix = a.parameter().kind() == ParameterKind.WEIGHT;
                    assertEquals(matrix ? a.scaling().weightDecayMultiplier() : 0.0,
                            m.scaling().weightDecayMultiplier(), a.parameter().name());
                    assertTrue(a.scaling().weightDecayMultiplier() > 0, a.parameter().name());
                    // nothing else changes
                    assertEquals(a.scaling().lrMultiplier(), m.scaling().lrMultiplier(), a.parameter().name());
                    assertEquals(a.scaling().initStd(), m.scaling().initStd(), a.parameter().name());
                    kinds |= 1 << a.parameter().kind().ordinal();
                }
            }
            // every kind a μP layer holds (OTHER is only for parameters of blocks declared @MuUnscaled)
            int layerKinds = (1 << ParameterKind.values().length) - 1 - (1 << ParameterKind.OTHER.ordinal());
            assertEquals(layerKinds, kinds, "every kind of parameter is covered");
            assertTrue(DecayTargets.MATRICES.toString().contains("MATRICES"), DecayTargets.MATRICES.toString());
        }
    }

    @Test
    void adamWDecaysOnlyMatricesWithMatricesTargets() {
        Map<String, float[]> w0 = trainOneStep(g -> null);
        Map<String, float[]> none = trainOneStep(g -> g.adam(LR).build());
        Map<String, float[]> all = trainOneStep(g -> g.adamW(LR, WD).build());
        Map<String, float[]> matrices =
                trainOneStep(g -> g.adamW(LR, WD).optWeightDecayTargets(DecayTargets.MATRICES).build());
        Map<String, ParameterKind> kinds = kinds();
        for (String name : w0.keySet()) {
            boolean matrix = kinds.get(name) == ParameterKind.WEIGHT;
            float[] a = w0.get(name);
            double decayedAll = 0;
            for (int i = 0; i < a.length; i++) {
                double withMatrices = matrices.get(name)[i] - none.get(name)[i];
                decayedAll = Math.max(decayedAll, Math.abs(all.get(name)[i] - none.get(name)[i]));
                if (matrix) {
                    assertEquals(all.get(name)[i], matrices.get(name)[i], 0f, name + "[" + i + "] decays as with ALL");
                } else {
                    assertEquals(0.0, withMatrices, 0.0, name + "[" + i + "] does not decay");
                }
            }
            if (a.length > 1 && kinds.get(name) != ParameterKind.NORM_BIAS) {
                assertTrue(decayedAll > 0, name + " decays with ALL");
            }
        }
    }

    @Test
    void optimizerScalingFollowsTheTargets() {
        try (NDManager manager = NDManager.newBaseManager()) {
            GptMuP gpt = gpt(manager);
            MuOptimizer sgd = gpt.sgd(LR).optWeightDecay(WD, WeightDecayMode.COUPLED)
                    .optWeightDecayTargets(DecayTargets.MATRICES).build();
            assertEquals(DecayTargets.MATRICES, sgd.weightDecayTargets());
            Map<String, ParameterReport> report = new HashMap<>();
            for (ParameterReport r : gpt.muParametrization().report(UpdateRule.SGD, WeightDecayMode.COUPLED,
                    DecayTargets.MATRICES)) {
                report.put(r.parameter().name(), r);
            }
            for (Pair<String, Parameter> pair : gpt.getParameters()) {
                String name = nameOf(gpt, pair.getValue());
                assertEquals(report.get(name).scaling(), sgd.scaling(pair.getValue().getId()), name);
            }
        }
    }

    /** Parameter values after one step (none when the function gives no optimizer), by μP name. */
    private static Map<String, float[]> trainOneStep(Function<GptMuP, Optimizer> optimizer) {
        try (NDManager manager = NDManager.newBaseManager()) {
            GptMuP gpt = gpt(manager);
            Optimizer o = optimizer.apply(gpt);
            if (o != null) {
                try (Model model = Model.newInstance("decay")) {
                    model.setBlock(gpt);
                    try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(new SequenceLoss()).optOptimizer(o));
                            NDManager batch = trainer.getManager().newSubManager()) {
                        int[] tokens = new int[BATCH * (SEQUENCE + 1)];
                        for (int i = 0; i < tokens.length; i++) {
                            tokens[i] = (i * 7) % CORPUS.vocabulary();
                        }
                        NDArray all = batch.create(tokens, new Shape(BATCH, SEQUENCE + 1));
                        NDArray x = all.get(":, :-1");
                        NDArray y = all.get(":, 1:");
                        try (GradientCollector collector = trainer.newGradientCollector()) {
                            NDList out = trainer.forward(new NDList(x));
                            collector.backward(trainer.getLoss().evaluate(new NDList(y), out));
                        }
                        trainer.step();
                    }
                }
            }
            Map<String, float[]> out = new LinkedHashMap<>();
            for (Pair<String, Parameter> pair : gpt.getParameters()) {
                out.put(nameOf(gpt, pair.getValue()), pair.getValue().getArray().toFloatArray());
            }
            return out;
        }
    }

    private static Map<String, ParameterKind> kinds() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, ParameterKind> out = new HashMap<>();
            for (ParameterReport r : gpt(manager).muParametrization().report(UpdateRule.ADAM, WeightDecayMode.COUPLED)) {
                out.put(r.parameter().name(), r.parameter().kind());
            }
            return out;
        }
    }

    /** The μP name (field.parameter) of a parameter of the model. */
    private static String nameOf(GptMuP gpt, Parameter parameter) {
        for (var layer : gpt.muParametrization().layers()) {
            for (Parameter p : layer.block().getDirectParameters().values()) {
                if (p == parameter) {
                    return layer.field() + "." + p.getName();
                }
            }
        }
        throw new AssertionError("not in the μP table: " + parameter.getName());
    }
}
