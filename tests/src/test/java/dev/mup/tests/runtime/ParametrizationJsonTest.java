package dev.mup.tests.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.mup.examples.gpt.CharCorpus;
import dev.mup.examples.gpt.GptMuP;
import dev.mup.examples.mlp.MlpMuP;
import dev.mup.runtime.MuAttention;
import dev.mup.runtime.MuOptions;
import dev.mup.runtime.MuParameter;
import dev.mup.runtime.MuParametrization;
import dev.mup.runtime.ParameterReport;
import dev.mup.runtime.UpdateRule;
import dev.mup.runtime.WeightDecayMode;
import dev.mup.tests.support.Models;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The exported μP table, parsed back, says what {@code report} says for every parameter, with
 * the widths, bases and options, and its numbers agree with the μP formulas.
 */
class ParametrizationJsonTest {

    private static void assertMatchesReport(MuParametrization p, UpdateRule rule, WeightDecayMode decay) {
        JsonObject json = JsonParser.parseString(p.toJson(rule, decay)).getAsJsonObject();
        assertEquals(p.modelName(), json.get("model").getAsString());
        assertEquals(p.options().parametrization().name(), json.get("parametrization").getAsString());
        assertEquals(rule.name(), json.get("updateRule").getAsString());
        assertEquals(decay.name(), json.get("weightDecayMode").getAsString());

        JsonArray widths = json.getAsJsonArray("widths");
        assertEquals(p.widths().size(), widths.size());
        int i = 0;
        for (var w : p.widths().values()) {
            JsonObject o = widths.get(i++).getAsJsonObject();
            assertEquals(w.name(), o.get("name").getAsString());
            assertEquals(w.value(), o.get("value").getAsInt());
            assertEquals(w.base(), o.get("base").getAsInt());
            assertEquals((double) w.value() / w.base(), o.get("multiplier").getAsDouble());
        }
        JsonObject options = json.getAsJsonObject("options");
        assertEquals(p.options().readoutForm().name(), options.get("readoutForm").getAsString());
        assertEquals(p.options().initMode().toString(), options.get("initMode").getAsString());

        List<ParameterReport> report = p.report(rule, decay);
        JsonArray parameters = json.getAsJsonArray("parameters");
        assertEquals(report.size(), parameters.size(), "one entry per parameter");
        for (int k = 0; k < report.size(); k++) {
            ParameterReport r = report.get(k);
            MuParameter q = r.parameter();
            JsonObject o = parameters.get(k).getAsJsonObject();
            String name = q.name();
            assertEquals(name, o.get("name").getAsString());
            assertEquals(q.layer(), o.get("layer").getAsString(), name);
            assertEquals(q.kind().name(), o.get("kind").getAsString(), name);
            JsonArray shape = o.getAsJsonArray("shape");
            assertEquals(q.shape().size(), shape.size(), name);
            for (int d = 0; d < shape.size(); d++) {
                assertEquals((long) q.shape().get(d), shape.get(d).getAsLong(), name + " shape");
            }
            assertEquals(q.parameterClass().displayName(), o.get("class").getAsString(), name);
            assertEquals(q.parameterClass().displayName(), o.get("role").getAsString(), name);
            assertEquals(q.fanIn(), o.get("fanIn").getAsLong(), name);
            assertEquals(q.fanOut(), o.get("fanOut").getAsLong(), name);
            assertEquals(q.fanInMultiplier(), o.get("fanInMultiplier").getAsDouble(), name);
            assertEquals(q.fanOutMultiplier(), o.get("fanOutMultiplier").getAsDouble(), name);
            assertEquals(r.scaling().initStd(), o.get("initStd").getAsDouble(), name);
            assertEquals(r.scaling().forwardMultiplier(), o.get("forwardMultiplier").getAsDouble(), name);
            assertEquals(r.scaling().lrMultiplier(), o.get("lrMultiplier").getAsDouble(), name);
            assertEquals(r.scaling().weightDecayMultiplier(), o.get("weightDecayMultiplier").getAsDouble(), name);
            assertFalse(o.get("initDistribution").getAsString().isEmpty(), name);
        }
    }

    @Test
    void theMlpTableParsesBackToTheReportAndTheFormulas() {
        try (NDManager manager = NDManager.newBaseManager()) {
            MuOptions options = MuOptions.builder().outputMultiplier(2).build();
            MlpMuP mlp = Models.mlp(manager, options, 1024, 1);
            MuParametrization p = mlp.muParametrization();
            for (UpdateRule rule : UpdateRule.values()) {
                for (WeightDecayMode decay : WeightDecayMode.values()) {
                    assertMatchesReport(p, rule, decay);
                }
            }
            // the numbers themselves, from the rules (m = 1024 / 64 = 16, α_out = 2)
            JsonObject json = JsonParser.parseString(p.toJson(UpdateRule.ADAM, WeightDecayMode.COUPLED))
                    .getAsJsonObject();
            Map<String, JsonObject> byName = new java.util.HashMap<>();
            json.getAsJsonArray("parameters").forEach(e ->
                    byName.put(e.getAsJsonObject().get("name").getAsString(), e.getAsJsonObject()));
            JsonObject hidden = byName.get("hidden.weight");
            assertEquals("Hidden", hidden.get("class").getAsString());
            assertEquals(16.0, hidden.get("fanInMultiplier").getAsDouble());
            assertEquals(1.0 / 16, hidden.get("lrMultiplier").getAsDouble(), 1e-15);
            assertEquals(16.0, hidden.get("weightDecayMultiplier").getAsDouble(), 1e-12);
            assertEquals(1.0 / Math.sqrt(3.0 * 1024), hidden.get("initStd").getAsDouble(), 1e-12);
            JsonObject readout = byName.get("readout.weight");
            assertEquals("OutputLike", readout.get("class").getAsString());
            assertEquals(2.0 / 16, readout.get("forwardMultiplier").getAsDouble(), 1e-15);
            assertEquals(2.0, json.getAsJsonObject("options").get("outputMultiplier").getAsDouble());
            assertTrue(json.getAsJsonObject("options").get("attentionMultiplier").isJsonNull());
        }
    }

    @Test
    void theExportedTableShowsWeightDecayTargetsEpsilonAndDepth() {
        CharCorpus corpus = CharCorpus.builtIn();
        try (NDManager manager = NDManager.newBaseManager()) {
            MuOptions options = MuOptions.builder()
                    .depthExponent(1.0)
                    .epsilonScaling(dev.mup.runtime.EpsilonScaling.HIDDEN)
                    .build();
            // width 128 (m_N = 2), depth 4 over the GPT's base depth 2 (m_L = 2)
            GptMuP gpt = new GptMuP(options, corpus.vocabulary(), 16, 4, 128, 16);
            gpt.initialize(manager, DataType.FLOAT32, new Shape(2, 16));
            MuParametrization p = gpt.muParametrization();
            JsonObject json = JsonParser.parseString(p.toJson(UpdateRule.ADAM, WeightDecayMode.DECOUPLED,
                    dev.mup.runtime.DecayTargets.MATRICES)).getAsJsonObject();
            assertEquals("MATRICES", json.get("weightDecayTargets").getAsString().replaceAll(".*(MATRICES).*", "$1"));
            JsonObject depth = json.getAsJsonObject("depth");
            assertEquals(2.0, depth.get("multiplier").getAsDouble());
            assertEquals(0.5, depth.get("residualMultiplier").getAsDouble(), 1e-15, "m_L^(-α) with α = 1");
            assertEquals(1.0, json.getAsJsonObject("options").get("depthExponent").getAsDouble());
            List<ParameterReport> report = p.report(UpdateRule.ADAM, WeightDecayMode.DECOUPLED,
                    dev.mup.runtime.DecayTargets.MATRICES);
            JsonArray parameters = json.getAsJsonArray("parameters");
            assertEquals(report.size(), parameters.size());
            boolean sawBias = false;
            for (int k = 0; k < report.size(); k++) {
                ParameterReport r = report.get(k);
                JsonObject o = parameters.get(k).getAsJsonObject();
                assertEquals(r.scaling().weightDecayMultiplier(), o.get("weightDecayMultiplier").getAsDouble(),
                        r.parameter().name());
                assertEquals(r.scaling().epsilonMultiplier(), o.get("epsilonMultiplier").getAsDouble(),
                        r.parameter().name());
                assertEquals(r.parameter().residualBlock(), o.get("residualBlock").getAsBoolean());
                if (r.parameter().kind() == dev.mup.runtime.ParameterKind.BIAS) {
                    sawBias = true;
                    assertEquals(0.0, o.get("weightDecayMultiplier").getAsDouble(), "biases do not decay");
                }
            }
            assertTrue(sawBias);
            // a hidden matrix in a block: ε · m_N⁻¹ · m_L^(−α) = 1/2 · 1/2
            JsonObject up = null;
            for (var e : parameters) {
                if (e.getAsJsonObject().get("name").getAsString().equals("blocks.1.up.weight")) {
                    up = e.getAsJsonObject();
                }
            }
            assertEquals(0.25, up.get("epsilonMultiplier").getAsDouble(), 1e-15);
        }
    }

    @Test
    void theGptTableListsEveryParameterAndItsAttentionScales() {
        CharCorpus corpus = CharCorpus.builtIn();
        try (NDManager manager = NDManager.newBaseManager()) {
            GptMuP gpt = new GptMuP(MuOptions.defaults(), corpus.vocabulary(), 16, 2, 128, 16);
            gpt.initialize(manager, DataType.FLOAT32, new Shape(2, 16));
            MuParametrization p = gpt.muParametrization();
            assertMatchesReport(p, UpdateRule.ADAM, WeightDecayMode.DECOUPLED);
            JsonArray attentions = JsonParser.parseString(p.toJson(UpdateRule.ADAM, WeightDecayMode.DECOUPLED))
                    .getAsJsonObject().getAsJsonArray("attentions");
            assertEquals(p.attentions().size(), attentions.size());
            int i = 0;
            for (Map.Entry<String, MuAttention> e : p.attentions().entrySet()) {
                JsonObject o = attentions.get(i++).getAsJsonObject();
                assertEquals(e.getKey(), o.get("field").getAsString());
                assertEquals(e.getValue().heads(), o.get("heads").getAsInt());
                assertEquals(e.getValue().logitScale(), o.get("logitScale").getAsFloat());
            }
        }
    }
}
