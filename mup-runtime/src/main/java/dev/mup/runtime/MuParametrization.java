package dev.mup.runtime;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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
    /** The model, whose every parameter must be in the table; null: not checked. */
    private final Block model;
    private final Map<String, Block> unscaled;
    /** The μP layers installed in place of the constructor's layers, to the layers they replaced. */
    private final Map<Block, Block> replaced;
    private final DepthDimension depth;
    private final Map<String, MuResidual> residuals;

    MuParametrization(
            String modelName,
            MuRule rule,
            Map<String, WidthDimension> widths,
            List<MuLayer> layers,
            Map<String, MuAttention> attentions,
            Map<String, MuTiedReadout> tiedReadouts) {
        this(modelName, rule, widths, layers, attentions, tiedReadouts, null, Map.of(), Map.of(), null, Map.of());
    }

    MuParametrization(
            String modelName,
            MuRule rule,
            Map<String, WidthDimension> widths,
            List<MuLayer> layers,
            Map<String, MuAttention> attentions,
            Map<String, MuTiedReadout> tiedReadouts,
            Block model,
            Map<String, Block> unscaled,
            Map<Block, Block> replaced,
            DepthDimension depth,
            Map<String, MuResidual> residuals) {
        this.depth = depth;
        this.residuals = Collections.unmodifiableMap(new LinkedHashMap<>(residuals));
        this.modelName = modelName;
        this.rule = rule;
        this.widths = Collections.unmodifiableMap(new LinkedHashMap<>(widths));
        this.layers = List.copyOf(layers);
        this.attentions = Collections.unmodifiableMap(new LinkedHashMap<>(attentions));
        this.tiedReadouts = Collections.unmodifiableMap(new LinkedHashMap<>(tiedReadouts));
        this.model = model;
        this.unscaled = Collections.unmodifiableMap(new LinkedHashMap<>(unscaled));
        this.replaced = Collections.unmodifiableMap(new IdentityHashMap<>(replaced));
    }

    /**
     * The blocks kept in the standard parametrization on purpose ({@code @MuUnscaled}), by field
     * (an element of a list or array field as {@code field.i}); their parameters are in the table
     * with the class {@link ParameterClass#UNSCALED}.
     *
     * @return the unscaled blocks in declaration order
     */
    public Map<String, Block> unscaledBlocks() {
        return unscaled;
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
     * The model's depth, when it declares one with {@code @Depth}.
     *
     * @return the field of the repeated blocks, their number and base number; empty otherwise
     */
    public Optional<DepthDimension> depth() {
        return Optional.ofNullable(depth);
    }

    /**
     * The residual connections of the blocks, by place in the model ({@code blocks.3.residual}),
     * each with the branch multiplier the rule set ({@link MuResidual#scale()}).
     *
     * @return residual connections in declaration order
     */
    public Map<String, MuResidual> residuals() {
        return residuals;
    }

    /**
     * The branch multiplier of the repeated residual blocks, {@code m_L^(−α)}
     * ({@link MuRule#residualMultiplier}).
     *
     * @return the multiplier; 1 without depth scaling
     */
    public double residualMultiplier() {
        return rule.residualMultiplier(depth == null ? 1.0 : depth.multiplier());
    }

    /**
     * Every parameter of the annotated layers by DJL parameter id, for probes that read an
     * optimizer's state per parameter.
     *
     * @return the descriptions by {@link Parameter#getId()}, in the order of {@link #parameters()}
     * @throws IllegalStateException when the model is not initialized
     */
    public Map<String, MuParameter> parametersById() {
        Map<String, MuParameter> out = new LinkedHashMap<>();
        byParameter().forEach((parameter, description) -> out.put(parameter.getId(), description));
        return out;
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
     * The logit scale an attention block of this model must apply to {@code q·kᵀ}, for blocks
     * that are not a {@link MuAttention} (which gets its scale when the model is declared): μP's
     * {@code α_attn / d_head} or, under SP, {@code 1/sqrt(d_head)}, as {@link MuRule} decides
     * from the model's options. A custom block calls this once the generated model exists, e.g.
     * {@code block.setScale(model.muParametrization().attentionLogitScale(64, "dModel"))}.
     *
     * @param headSize {@code d_head} in this model; positive
     * @param headSizeWidth the name of the {@code @Width} the head size grows with, or
     *     {@code null} when the head size is fixed (the number of heads grows instead)
     * @return the logit scale
     * @throws IllegalArgumentException when the head size is not positive, the width is unknown,
     *     or the head size does not scale to a whole number at base width
     */
    public double attentionLogitScale(int headSize, String headSizeWidth) {
        if (headSize <= 0) {
            throw new IllegalArgumentException("head size must be positive, got " + headSize);
        }
        double multiplier = 1.0;
        if (headSizeWidth != null) {
            WidthDimension width = widths.get(headSizeWidth);
            if (width == null) {
                throw new IllegalArgumentException(
                        modelName + " has no width '" + headSizeWidth + "'; its widths are " + widths.keySet()
                                + " (pass null when the head size is fixed)");
            }
            multiplier = width.multiplier();
            double base = MuRule.baseSize(headSize, multiplier);
            if (base % 1 != 0) {
                throw new IllegalArgumentException(
                        modelName + ": head size " + headSize + " scaled with width '" + headSizeWidth
                                + "' would be " + base + " at base width; choose sizes whose base is whole");
            }
        }
        return rule.attentionLogitScale(headSize, multiplier);
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
                        .allMatch(Parameter::isInitialized)
                && unscaled.values().stream()
                        .flatMap(b -> ModelParameters.of(b, "").stream())
                        .allMatch(e -> e.parameter().isInitialized());
    }

    /**
     * Every parameter of the annotated layers, layer by layer in declaration order, weight
     * before bias, followed by the parameters of the blocks kept unscaled on purpose (class
     * {@link ParameterClass#UNSCALED}, named by their path, e.g. {@code stem.01Linear.weight}).
     *
     * @return the parameters
     * @throws IllegalStateException listing every parameter of the model outside the μP table
     *     (neither in an annotated layer nor in a block declared unscaled) and how to fix each;
     *     or naming the first parameter without a value when the model is not initialized
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
     * @throws IllegalStateException when a parameter of the model is outside the μP table, or
     *     the model is not initialized (see {@link #parameters()})
     */
    public List<ParameterReport> report(UpdateRule updateRule, WeightDecayMode decay) {
        List<ParameterReport> out = new ArrayList<>();
        for (MuParameter p : parameters()) {
            out.add(new ParameterReport(p, rule.scaling(p, updateRule, decay)));
        }
        return out;
    }

    /**
     * The μP table of the model as one JSON object, for use in another framework or a report:
     *
     * <pre>{@code
     * {"model": "Mlp", "parametrization": "MUP", "updateRule": "ADAM", "weightDecayMode": "COUPLED",
     *  "widths": [{"name": "width", "value": 1024, "base": 64, "multiplier": 16.0}],
     *  "options": {"parametrization", "readoutForm", "initMode", "outputMultiplier", "zeroInitReadout",
     *              "baseWidths", "attentionMultiplier", "zeroInitQuery"},
     *  "parameters": [{"name": "hidden.weight", "layer": "hidden", "kind": "WEIGHT", "shape": [1024, 1024],
     *                  "class": "Hidden", "role": "Hidden", "fanIn": 1024, "fanOut": 1024,
     *                  "fanInMultiplier": 16.0, "fanOutMultiplier": 16.0, "initDistribution": "UNIFORM",
     *                  "initStd": ..., "initConstant": 0.0, "forwardMultiplier": 1.0,
     *                  "lrMultiplier": 0.0625, "weightDecayMultiplier": 16.0}, ...],
     *  "attentions": [{"field", "heads", "headSize", "logitScale"}],
     *  "tiedReadouts": [{"field", "logitMultiplier"}]}
     * }</pre>
     *
     * <p>Parameters are in the order of {@link #report}, with the same numbers; {@code role} is
     * the class under its older name. An option that is not set (the annotation's value applies)
     * is {@code null}.
     *
     * @param updateRule the optimizer family the learning rates are for
     * @param decay how weight decay is applied
     * @return the JSON text
     * @throws IllegalStateException when the model is not initialized
     */
    public String toJson(UpdateRule updateRule, WeightDecayMode decay) {
        return toJson(updateRule, decay, DecayTargets.ALL);
    }

    /**
     * The μP table as JSON (see {@link #toJson(UpdateRule, WeightDecayMode)}) with weight decay
     * only on the chosen parameters: excluded parameters have {@code weightDecayMultiplier} 0, and
     * {@code weightDecayTargets} names the choice. Every parameter also carries its
     * {@code epsilonMultiplier} (Adam's ε relative to the global one), {@code depthMultiplier} and
     * {@code residualBlock}; {@code depth} gives the model's depth and residual multiplier (null
     * without {@code @Depth}).
     *
     * @param updateRule the optimizer family the learning rates are for
     * @param decay how weight decay is applied
     * @param targets which parameters decay
     * @return the JSON text
     * @throws IllegalStateException when the model is not initialized
     */
    public String toJson(UpdateRule updateRule, WeightDecayMode decay, DecayTargets targets) {
        return ParametrizationJson.toJson(this, updateRule, decay, targets);
    }

    /**
     * The μP table with weight decay only on the chosen parameters: excluded parameters have
     * weight-decay multiplier 0.
     *
     * @param updateRule the optimizer family the learning rates are for
     * @param decay how weight decay is applied
     * @param targets which parameters decay
     * @return one row per parameter, in the order of {@link #parameters()}
     * @throws IllegalStateException when the model is not initialized
     */
    public List<ParameterReport> report(UpdateRule updateRule, WeightDecayMode decay, DecayTargets targets) {
        List<ParameterReport> out = new ArrayList<>();
        for (ParameterReport r : report(updateRule, decay)) {
            out.add(new ParameterReport(r.parameter(), rule.scaling(r.parameter(), updateRule, decay, targets)));
        }
        return out;
    }

    /**
     * Scaling factors keyed by DJL parameter id with weight decay only on the chosen parameters,
     * for optimizers; every other entry as {@link #scalingById(UpdateRule, WeightDecayMode)}.
     *
     * @param updateRule the optimizer family
     * @param decay how weight decay is applied
     * @param targets which parameters decay
     * @return factors by {@link Parameter#getId()}
     * @throws IllegalStateException naming the first parameter without a value when the model is
     *     not initialized
     */
    public Map<String, ParameterScaling> scalingById(
            UpdateRule updateRule, WeightDecayMode decay, DecayTargets targets) {
        Map<String, ParameterScaling> out = new LinkedHashMap<>(scalingById(updateRule, decay));
        for (Map.Entry<Parameter, MuParameter> e : byParameter().entrySet()) {
            out.put(e.getKey().getId(), rule.scaling(e.getValue(), updateRule, decay, targets));
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
     * Prints rows of {@link #report} as an aligned table. When Adam's ε is scaled
     * ({@link MuOptions#epsilonScaling()}), a last column {@code eps mult} gives each parameter's ε
     * relative to the global one; with the fixed ε every entry would be 1, and the column is left
     * out.
     *
     * @param rows the rows
     * @return the table, every line ending in a newline
     */
    public static String table(List<ParameterReport> rows) {
        boolean scaledEpsilon = rows.stream().anyMatch(r -> r.scaling().epsilonMultiplier() != 1.0);
        TextTable table = scaledEpsilon
                ? new TextTable("parameter", "shape", "class", "init std", "forward", "lr mult", "wd mult", "eps mult")
                : new TextTable("parameter", "shape", "class", "init std", "forward", "lr mult", "wd mult");
        for (ParameterReport r : rows) {
            MuParameter p = r.parameter();
            ParameterScaling s = r.scaling();
            List<Object> cells = new ArrayList<>(List.of(
                    p.name(),
                    p.shape().toString().replace(" ", ""),
                    p.parameterClass(),
                    s.initStd(),
                    s.forwardMultiplier(),
                    s.lrMultiplier(),
                    s.weightDecayMultiplier()));
            if (scaledEpsilon) {
                cells.add(s.epsilonMultiplier());
            }
            table.row(cells.toArray());
        }
        return table.toString();
    }

    /**
     * Scaling factors keyed by DJL parameter id, for optimizers. Computed once per optimizer.
     *
     * @param updateRule the optimizer family
     * @param decay how weight decay is applied
     * @return factors by {@link Parameter#getId()}, declared-unscaled parameters included
     * @throws IllegalStateException when a parameter of the model is outside the μP table, or
     *     the model is not initialized (see {@link #parameters()})
     */
    public Map<String, ParameterScaling> scalingById(UpdateRule updateRule, WeightDecayMode decay) {
        Map<String, ParameterScaling> out = new LinkedHashMap<>();
        for (Map.Entry<Parameter, MuParameter> e : byParameter().entrySet()) {
            out.put(e.getKey().getId(), rule.scaling(e.getValue(), updateRule, decay));
        }
        return out;
    }

    private Map<Parameter, MuParameter> byParameter() {
        checkEveryParameterClassified();
        Map<Parameter, MuParameter> out = new LinkedHashMap<>();
        for (MuLayer layer : layers) {
            // the table is μP's: refuse values drawn by an initializer the user set
            layer.checkInitializers();
            for (Parameter parameter : layer.parameters()) {
                if (parameter.getShape() == null || !parameter.isInitialized()) {
                    throw new IllegalStateException(noValueMessage(
                            layer.field(), layer.field() + "." + parameter.getName(),
                            replaced.get(layer.block())));
                }
                out.put(parameter, layer.describe(parameter.getName(), parameter.getShape()));
            }
        }
        unscaled.forEach((field, block) -> {
            for (ModelParameters.Entry e : ModelParameters.of(block, field + ".")) {
                Parameter parameter = e.parameter();
                if (out.containsKey(parameter)) {
                    continue; // shared with an annotated layer, which decides
                }
                if (parameter.getShape() == null || !parameter.isInitialized()) {
                    throw new IllegalStateException(noValueMessage(field, e.path(), null));
                }
                out.put(parameter, unscaledParameter(field, e.path(), parameter));
            }
        });
        return out;
    }

    private String noValueMessage(String field, String parameter, Block replacedLayer) {
        if (replacedLayer != null && replacedLayer.isInitialized()) {
            return "Parameter '" + parameter + "' of " + modelName + " has no value, although the"
                    + " model was initialized: the " + replacedLayer.getClass().getSimpleName()
                    + " that the constructor of " + modelName + " built for '" + field + "' was"
                    + " initialized, but μP had replaced it: the field '" + field + "' (and the"
                    + " model's children) now hold the μP replacement, a MuLinear. The model"
                    + " reaches the old layer through a reference of its own (a list of its layers,"
                    + " or another field) and so initializes and runs a layer outside μP: read the"
                    + " layers from their annotated fields (or from getChildren()) in"
                    + " initializeChildBlocks and forward, not from a list filled in the"
                    + " constructor";
        }
        return "Parameter '" + parameter + "' of " + modelName + " has no value yet: call"
                + " model.initialize(manager, dataType, inputShape) (or load saved weights)"
                + " before asking for μP parameters or an optimizer"
                + (replacedLayer == null
                        ? ""
                        : " (the field '" + field + "' holds the μP replacement of the layer the"
                                + " constructor built: if the model keeps its own list of its"
                                + " layers, read them from the fields instead)");
    }

    /** A parameter of a block declared unscaled, in the terms of the table. */
    private static MuParameter unscaledParameter(String field, String path, Parameter parameter) {
        long[] shape = parameter.getShape().getShape();
        List<Long> dims = new ArrayList<>();
        long fanIn = 1;
        for (int i = 0; i < shape.length; i++) {
            dims.add(shape[i]);
            if (i > 0) {
                fanIn *= shape[i];
            }
        }
        long fanOut = shape.length == 0 ? 1 : shape[0];
        ParameterKind kind;
        switch (parameter.getType()) {
            case WEIGHT:
                kind = ParameterKind.WEIGHT;
                break;
            case BIAS:
                kind = ParameterKind.BIAS;
                break;
            case GAMMA:
                kind = ParameterKind.NORM_GAIN;
                break;
            case BETA:
                kind = ParameterKind.NORM_BIAS;
                break;
            default:
                kind = ParameterKind.OTHER;
                break;
        }
        return new MuParameter(
                path, field, kind, dims, ParameterClass.UNSCALED, fanIn, fanOut, 1.0, 1.0, 1.0, false);
    }

    /**
     * Fails when a parameter of the model is neither in an annotated layer nor in a block
     * declared unscaled: it would be initialized and trained in the standard parametrization
     * without a word. Groups the parameters by the outermost block holding only such
     * parameters, with the fix for that kind of block.
     */
    private void checkEveryParameterClassified() {
        if (model == null) {
            return;
        }
        Set<Parameter> known = Collections.newSetFromMap(new IdentityHashMap<>());
        for (MuLayer layer : layers) {
            known.addAll(layer.block().getDirectParameters().values());
        }
        for (Block block : unscaled.values()) {
            ModelParameters.of(block, "").forEach(e -> known.add(e.parameter()));
        }
        List<String> problems = new ArrayList<>();
        int[] count = {0};
        collectUnclassified(model, "", known, problems, count);
        if (problems.isEmpty()) {
            return;
        }
        throw new IllegalStateException(
                modelName + " has " + count[0] + " parameter" + (count[0] == 1 ? "" : "s")
                        + " outside the μP table, which would be initialized and trained in the"
                        + " standard parametrization without a word:\n  - "
                        + String.join("\n  - ", problems)
                        + "\nA layer kept out of μP on purpose is declared with @MuUnscaled on its"
                        + " field (MuModelBuilder.unscaled), and is then listed in the table with"
                        + " the class Unscaled.");
    }

    private void collectUnclassified(
            Block block, String prefix, Set<Parameter> known, List<String> out, int[] count) {
        List<ModelParameters.Entry> all = ModelParameters.of(block, prefix);
        List<ModelParameters.Entry> unknown = new ArrayList<>();
        for (ModelParameters.Entry e : all) {
            if (!known.contains(e.parameter())) {
                unknown.add(e);
            }
        }
        if (unknown.isEmpty()) {
            return;
        }
        if (unknown.size() == all.size() && !prefix.isEmpty()) {
            count[0] += unknown.size();
            String place = prefix.substring(0, prefix.length() - 1);
            out.add(paths(unknown) + " (in '" + place + "', a " + block.getClass().getSimpleName()
                    + "): " + advice(block, place));
            return;
        }
        List<ModelParameters.Entry> own = new ArrayList<>();
        for (ModelParameters.Entry e : unknown) {
            if (block.getDirectParameters().values().contains(e.parameter())) {
                own.add(e);
            }
        }
        if (!own.isEmpty()) {
            count[0] += own.size();
            out.add(paths(own) + " (parameters of " + (prefix.isEmpty() ? modelName : "'"
                    + prefix.substring(0, prefix.length() - 1) + "'") + " itself): μP classifies"
                    + " the parameters of layers; hold each in a layer with a role (a learned"
                    + " position table in an Embedding with @MuInput, say), or in a block declared"
                    + " @MuUnscaled");
        }
        ai.djl.nn.BlockList children = block.getChildren();
        for (int i = 0; i < children.size(); i++) {
            Block child = children.valueAt(i);
            collectUnclassified(
                    child,
                    prefix + ModelParameters.childName(block, children.keyAt(i), child) + ".",
                    known,
                    out,
                    count);
        }
    }

    private static String paths(List<ModelParameters.Entry> entries) {
        List<String> out = new ArrayList<>();
        for (ModelParameters.Entry e : entries) {
            out.add(e.path() + (e.parameter().getShape() == null ? "" : " " + e.parameter().getShape()));
        }
        return String.join(", ", out);
    }

    /** How to bring a block's parameters into the table, by the kind of block. */
    private static String advice(Block block, String place) {
        String unscaledOnPurpose = "or annotate '" + place + "' with @MuUnscaled to keep it"
                + " unscaled on purpose";
        if (block instanceof ai.djl.nn.core.Linear) {
            return "annotate '" + place + "' with the role that fits (@MuInput: only its output"
                    + " size grows with the width; @MuHidden: both do; @MuOutput: the readout), "
                    + unscaledOnPurpose + " when none of its sizes grows";
        }
        if (block instanceof ai.djl.nn.core.Embedding || block instanceof ai.djl.nn.norm.LayerNorm) {
            return "annotate '" + place + "' with @MuInput when its size grows with the width, "
                    + unscaledOnPurpose;
        }
        if (block instanceof ai.djl.nn.SequentialBlock || block instanceof ai.djl.nn.ParallelBlock) {
            return "μP cannot see the layers inside a " + block.getClass().getSimpleName() + " (a"
                    + " role on it is refused): put them in a @MuBlock class whose fields carry the"
                    + " roles (a List of that class needs no annotation), " + unscaledOnPurpose;
        }
        return "annotate its class " + block.getClass().getSimpleName() + " with @MuBlock and its"
                + " layers with roles (@MuInput, @MuHidden), " + unscaledOnPurpose;
    }

    /**
     * Starts reporting the output of every annotated {@code Linear} layer (each a
     * {@link MuLinear}) and {@code Conv2d} (each a {@link MuConv2d}), of every annotated
     * {@link MuEmbedding}, {@link MuLayerNorm} and {@link MuRmsNorm}, the
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
        residuals.forEach((name, residual) -> residual.observe(name, observer));
    }

    @Override
    public String toString() {
        return "MuParametrization{model=" + modelName + ", widths=" + widths.values()
                + (depth == null ? "" : ", depth=" + depth)
                + ", options=" + rule.options() + "}";
    }
}
