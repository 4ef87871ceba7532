package dev.mup.runtime;

import com.google.gson.GsonBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes {@link MuParametrization#toJson}: the μP table and its settings as one JSON object. */
final class ParametrizationJson {

    private ParametrizationJson() {}

    static String toJson(MuParametrization p, UpdateRule updateRule, WeightDecayMode decay, DecayTargets targets) {
        MuOptions options = p.options();
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("model", p.modelName());
        root.put("parametrization", options.parametrization().name());
        root.put("updateRule", updateRule.name());
        root.put("weightDecayMode", decay.name());
        root.put("weightDecayTargets", targets.toString());

        List<Map<String, Object>> widths = new ArrayList<>();
        for (WidthDimension w : p.widths().values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", w.name());
            m.put("value", w.value());
            m.put("base", w.base());
            m.put("multiplier", w.multiplier());
            widths.add(m);
        }
        root.put("widths", widths);
        root.put("depth", p.depth().map(d -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", d.name());
            m.put("value", d.value());
            m.put("base", d.base());
            m.put("multiplier", d.multiplier());
            m.put("residualMultiplier", p.residualMultiplier());
            return m;
        }).orElse(null));

        Map<String, Object> o = new LinkedHashMap<>();
        o.put("parametrization", options.parametrization().name());
        o.put("readoutForm", options.readoutForm().name());
        o.put("initMode", options.initMode().toString());
        o.put("outputMultiplier", options.outputMultiplier().isPresent()
                ? options.outputMultiplier().getAsDouble() : null);
        o.put("zeroInitReadout", options.zeroInitReadout().orElse(null));
        o.put("baseWidths", options.baseWidths());
        o.put("attentionMultiplier", options.attentionMultiplier().isPresent()
                ? options.attentionMultiplier().getAsDouble() : null);
        o.put("zeroInitQuery", options.zeroInitQuery());
        o.put("attentionScaling", options.attentionScaling().name());
        o.put("depthExponent", options.depthExponent());
        o.put("baseDepth", options.baseDepth().isPresent() ? options.baseDepth().getAsInt() : null);
        o.put("epsilonScaling", options.epsilonScaling().name());
        root.put("options", o);

        List<Map<String, Object>> parameters = new ArrayList<>();
        for (ParameterReport r : p.report(updateRule, decay, targets)) {
            MuParameter q = r.parameter();
            ParameterScaling s = r.scaling();
            // a parameter kept unscaled on purpose is drawn by its own layer's initializer
            InitSpec init = q.parameterClass() == ParameterClass.UNSCALED ? null : p.rule().initSpec(q);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", q.name());
            m.put("layer", q.layer());
            m.put("kind", q.kind().name());
            m.put("shape", q.shape());
            m.put("class", q.parameterClass().displayName());
            m.put("role", q.parameterClass().displayName());
            m.put("fanIn", q.fanIn());
            m.put("fanOut", q.fanOut());
            m.put("fanInMultiplier", q.fanInMultiplier());
            m.put("fanOutMultiplier", q.fanOutMultiplier());
            m.put("initDistribution", init == null ? null : init.distribution().name());
            m.put("initStd", s.initStd());
            m.put("initConstant", init == null ? null : init.constant());
            m.put("forwardMultiplier", s.forwardMultiplier());
            m.put("lrMultiplier", s.lrMultiplier());
            m.put("weightDecayMultiplier", s.weightDecayMultiplier());
            m.put("epsilonMultiplier", s.epsilonMultiplier());
            m.put("depthMultiplier", q.depthMultiplier());
            m.put("residualBlock", q.residualBlock());
            parameters.add(m);
        }
        root.put("parameters", parameters);

        List<Map<String, Object>> attentions = new ArrayList<>();
        p.attentions().forEach((field, a) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("field", field);
            m.put("heads", a.heads());
            m.put("headSize", a.headSize());
            m.put("logitScale", (double) a.logitScale());
            attentions.add(m);
        });
        root.put("attentions", attentions);
        List<Map<String, Object>> tied = new ArrayList<>();
        p.tiedReadouts().forEach((field, t) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("field", field);
            m.put("logitMultiplier", (double) t.logitMultiplier());
            tied.add(m);
        });
        root.put("tiedReadouts", tied);

        return new GsonBuilder()
                .serializeNulls()
                .serializeSpecialFloatingPointValues()
                .create()
                .toJson(root);
    }
}
