package dev.mup.runtime;

import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The μP description of one model instance: its widths, its annotated layers and the
 * {@link MuRule} that scales them. Immutable; created by the generated constructor through
 * {@link MuModelBuilder}.
 */
public final class MuParametrization {

    private final String modelName;
    private final MuRule rule;
    private final Map<String, WidthDimension> widths;
    private final List<MuLayer> layers;
    private final Map<String, MuAttention> attentions;
    private final Map<String, MuTiedReadout> tiedReadouts;

    MuParametrization(
            String modelName,
            MuRule rule,
            Map<String, WidthDimension> widths,
            List<MuLayer> layers,
            Map<String, MuAttention> attentions,
            Map<String, MuTiedReadout> tiedReadouts) {
        this.modelName = modelName;
        this.rule = rule;
        this.widths = Collections.unmodifiableMap(new LinkedHashMap<>(widths));
        this.layers = List.copyOf(layers);
        this.attentions = Collections.unmodifiableMap(new LinkedHashMap<>(attentions));
        this.tiedReadouts = Collections.unmodifiableMap(new LinkedHashMap<>(tiedReadouts));
    }

    /**
     * The readouts tied to the input embedding, by field.
     *
     * @return tied readouts in declaration order
     */
    public Map<String, MuTiedReadout> tiedReadouts() {
        return tiedReadouts;
    }

    /**
     * The attention blocks, by field.
     *
     * @return attention blocks in declaration order
     */
    public Map<String, MuAttention> attentions() {
        return attentions;
    }

    /**
     * The simple name of the annotated model class.
     *
     * @return the model name
     */
    public String modelName() {
        return modelName;
    }

    /**
     * The rule, with the model's options.
     *
     * @return the rule
     */
    public MuRule rule() {
        return rule;
    }

    /**
     * The model's options.
     *
     * @return the options
     */
    public MuOptions options() {
        return rule.options();
    }

    /**
     * The width dimensions, in declaration order.
     *
     * @return widths by field name
     */
    public Map<String, WidthDimension> widths() {
        return widths;
    }

    /**
     * The annotated layers, in declaration order.
     *
     * @return the layers
     */
    public List<MuLayer> layers() {
        return layers;
    }

    /**
     * The layer held by a field.
     *
     * @param field the field name
     * @return the layer, if that field is annotated
     */
    public Optional<MuLayer> layer(String field) {
        return layers.stream().filter(l -> l.field().equals(field)).findFirst();
    }

    /**
     * Whether every parameter of every annotated layer has a value.
     *
     * @return {@code true} once the model is initialized (or loaded)
     */
    public boolean isInitialized() {
        return layers.stream()
                .flatMap(l -> l.block().getDirectParameters().values().stream())
                .allMatch(Parameter::isInitialized);
    }

    /**
     * Every parameter of the annotated layers, layer by layer in declaration order, weight
     * before bias.
     *
     * @return the parameters
     * @throws IllegalStateException naming the first parameter without a value when the model is
     *     not initialized
     */
    public List<MuParameter> parameters() {
        List<MuParameter> out = new ArrayList<>();
        for (Map.Entry<Parameter, MuParameter> e : byParameter().entrySet()) {
            out.add(e.getValue());
        }
        return out;
    }

    /**
     * The μP table of the model: every parameter of the annotated layers with its scaling, in
     * the order of {@link #parameters()}.
     *
     * @param updateRule the optimizer family the learning rates are for
     * @param decay how weight decay is applied
     * @return one row per parameter
     * @throws IllegalStateException when the model is not initialized
     */
    public List<ParameterReport> report(UpdateRule updateRule, WeightDecayMode decay) {
        List<ParameterReport> out = new ArrayList<>();
        for (MuParameter p : parameters()) {
            out.add(new ParameterReport(p, rule.scaling(p, updateRule, decay)));
        }
        return out;
    }

    /**
     * The μP table as aligned text: per parameter its name, shape, class, init std, forward
     * multiplier and learning-rate and weight-decay multipliers, one line each after a header and
     * a rule.
     *
     * @param updateRule the optimizer family the learning rates are for
     * @param decay how weight decay is applied
     * @return the table, every line ending in a newline
     * @throws IllegalStateException when the model is not initialized
     */
    public String table(UpdateRule updateRule, WeightDecayMode decay) {
        return table(report(updateRule, decay));
    }

    /**
     * Prints rows of {@link #report} as an aligned table.
     *
     * @param rows the rows
     * @return the table, every line ending in a newline
     */
    public static String table(List<ParameterReport> rows) {
        TextTable table =
                new TextTable("parameter", "shape", "class", "init std", "forward", "lr mult", "wd mult");
        for (ParameterReport r : rows) {
            MuParameter p = r.parameter();
            ParameterScaling s = r.scaling();
            table.row(
                    p.name(),
                    p.shape().toString().replace(" ", ""),
                    p.parameterClass(),
                    s.initStd(),
                    s.forwardMultiplier(),
                    s.lrMultiplier(),
                    s.weightDecayMultiplier());
        }
        return table.toString();
    }

    /**
     * Scaling factors keyed by DJL parameter id, for optimizers. Computed once per optimizer.
     *
     * @param updateRule the optimizer family
     * @param decay how weight decay is applied
     * @return factors by {@link Parameter#getId()}
     * @throws IllegalStateException naming the first parameter without a value when the model is
     *     not initialized
     */
    public Map<String, ParameterScaling> scalingById(UpdateRule updateRule, WeightDecayMode decay) {
        Map<String, ParameterScaling> out = new LinkedHashMap<>();
        for (Map.Entry<Parameter, MuParameter> e : byParameter().entrySet()) {
            out.put(e.getKey().getId(), rule.scaling(e.getValue(), updateRule, decay));
        }
        return out;
    }

    private Map<Parameter, MuParameter> byParameter() {
        Map<Parameter, MuParameter> out = new LinkedHashMap<>();
        for (MuLayer layer : layers) {
            for (Parameter parameter : layer.block().getDirectParameters().values()) {
                if (parameter.getShape() == null || !parameter.isInitialized()) {
                    throw new IllegalStateException(
                            "Parameter '" + layer.field() + "." + parameter.getName() + "' of "
                                    + modelName + " has no value yet: call"
                                    + " model.initialize(manager, dataType, inputShape) (or load"
                                    + " saved weights) before asking for μP parameters or an"
                                    + " optimizer");
                }
                out.put(parameter, layer.describe(parameter.getName(), parameter.getShape()));
            }
        }
        return out;
    }

    /**
     * Starts reporting the output of every annotated {@code Linear} layer (each a
     * {@link MuLinear}), of every annotated {@link MuEmbedding} and {@link MuLayerNorm}, the
     * logits of every {@link MuAttention} (as {@code field.logits}) and of every
     * {@link MuTiedReadout} to an observer, as the coordinate check does. DJL's own
     * {@code Embedding} and {@code LayerNorm} have no hook and are not reported.
     *
     * @param observer receives {@code (field, output)} in every forward pass
     * @return closing it stops the reporting
     */
    public AutoCloseable observe(ActivationObserver observer) {
        java.util.Objects.requireNonNull(observer, "observer");
        setObserver(observer);
        return () -> setObserver(null);
    }

    private void setObserver(ActivationObserver observer) {
        for (MuLayer layer : layers) {
            if (layer.block() instanceof Observable) {
                ((Observable) layer.block()).observe(layer.field(), observer);
            }
        }
        attentions.forEach((field, attention) -> attention.observe(field, observer));
        tiedReadouts.forEach((field, readout) -> readout.observe(field, observer));
    }

    @Override
    public String toString() {
        return "MuParametrization{model=" + modelName + ", widths=" + widths.values()
                + ", options=" + rule.options() + "}";
    }
}
