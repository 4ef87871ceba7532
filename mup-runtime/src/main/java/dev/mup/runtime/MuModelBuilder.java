package dev.mup.runtime;

import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.BlockList;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv1d;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.convolutional.Conv3d;
import ai.djl.nn.convolutional.Convolution;
import ai.djl.nn.core.Linear;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Assembles the {@link MuParametrization} of a generated model. The generated constructor calls
 * it once, right after the annotated model's own constructor has built the layers: it declares
 * the widths, then each annotated layer with the widths the processor resolved for it.
 *
 * <p>Declaring a layer installs a μP initializer on each of its parameters; declaring a
 * {@code Linear} layer also installs a {@link MuLinear} in its place (which applies the readout
 * multiplier on readouts, and lets a coordinate check observe every layer). The builder checks at run time what the
 * processor cannot see at compile time: that the fields hold layers, that widths are positive.
 *
 * <p>A field annotated {@code @MuUnscaled} is declared with {@link #unscaled(String, Block)}: its
 * parameters stay as they are, and are listed as unscaled. {@link #build(Block)} gives the
 * parametrization the model itself, so that it can refuse parameters outside every declared
 * layer, block and unscaled field.
 *
 * <p>The layers of a {@code @MuBlock} sub-block are declared by the block's generated
 * {@code declare} method, with the block's place in the model as the prefix of their names
 * ({@code blocks.0.up}); it takes the block's own children from {@link #childrenOf}, so that a
 * {@code Linear} of the block is replaced where the block holds it.
 */
public final class MuModelBuilder {

    private final String modelName;
    private final MuRule rule;
    private final Map<String, WidthDimension> widths = new LinkedHashMap<>();
    private final List<MuLayer> layers = new ArrayList<>();
    private final Map<String, MuAttention> attentions = new LinkedHashMap<>();
    private final Map<String, MuTiedReadout> tiedReadouts = new LinkedHashMap<>();
    private final Map<String, Block> unscaled = new LinkedHashMap<>();
    private final Map<Block, Block> replaced = new IdentityHashMap<>();
    private final OptimizerCheck optimizerCheck;
    private final InitGuard initGuard;
    private final ResidualCheck residualCheck;
    private final Map<String, MuResidual> residuals = new LinkedHashMap<>();
    private DepthDimension depth;

    private MuModelBuilder(Class<?> modelClass, MuOptions options) {
        this.modelName = modelClass.getSimpleName();
        this.initGuard = new InitGuard(modelName);
        this.optimizerCheck = new OptimizerCheck(modelName, initGuard);
        this.residualCheck = new ResidualCheck(modelName);
        this.rule = new MuRule(Objects.requireNonNull(options, "options"));
    }

    /**
     * Starts the parametrization of a model.
     *
     * @param modelClass the annotated model class, named in error messages
     * @param options the run-time options
     * @return a new builder
     */
    public static MuModelBuilder forModel(Class<?> modelClass, MuOptions options) {
        return new MuModelBuilder(modelClass, options);
    }

    /**
     * Declares a width dimension.
     *
     * @param name the {@code @Width} field
     * @param value its value in this model
     * @param base its base value
     * @return this builder
     * @throws IllegalArgumentException naming the width when a value is not positive
     */
    public MuModelBuilder width(String name, int value, int base) {
        if (value <= 0) {
            throw new IllegalArgumentException(
                    modelName + "." + name + " must be a positive width, got " + value);
        }
        if (base <= 0) {
            throw new IllegalArgumentException(
                    "@Width(base) of " + modelName + "." + name + " must be positive, got " + base);
        }
        int effectiveBase = rule.options().baseWidths().getOrDefault(name, base);
        if (widths.putIfAbsent(name, new WidthDimension(name, value, effectiveBase)) != null) {
            throw new IllegalArgumentException(modelName + " declares width '" + name + "' twice");
        }
        return this;
    }

    /**
     * Declares the model's depth ({@code @Depth}): the field holding its repeated residual
     * blocks, their number and the base number. The layers and {@link MuResidual}s declared under
     * {@code name.} (the blocks' layers, {@code blocks.3.up}) are the ones depth scaling changes
     * ({@link MuRule#depthLrFactor}, {@link MuRule#residualMultiplier}).
     *
     * @param name the {@code @Depth} field
     * @param value the number of blocks in this model
     * @param base the base number of blocks ({@link MuOptions#baseDepth()} overrides it)
     * @return this builder
     * @throws IllegalArgumentException naming the field when a value is not positive or a depth
     *     was already declared
     */
    public MuModelBuilder depth(String name, int value, int base) {
        Objects.requireNonNull(name, "name");
        if (value <= 0) {
            throw new IllegalArgumentException(
                    modelName + "." + name + " is the model's @Depth but holds " + value
                            + " blocks; build at least one");
        }
        if (base <= 0) {
            throw new IllegalArgumentException(
                    "@Depth(base) of " + modelName + "." + name + " must be positive, got " + base);
        }
        if (depth != null) {
            throw new IllegalArgumentException(
                    modelName + " declares a depth twice ('" + depth.name() + "' and '" + name
                            + "'): annotate one list of blocks with @Depth");
        }
        depth = new DepthDimension(name, value, rule.options().baseDepth().orElse(base));
        return this;
    }

    /**
     * Declares a residual connection of a block ({@link MuResidual} field of a {@code @MuBlock});
     * its branch multiplier is set when the parametrization is built: {@code m_L^(−α)} inside
     * the blocks of the {@code @Depth} field, 1 elsewhere.
     *
     * @param name the residual's place in the model, e.g. {@code blocks.3.residual}
     * @param residual the residual connection the block adds its branches through
     * @return this builder
     * @throws IllegalStateException naming the field when it is null
     */
    public MuModelBuilder residual(String name, MuResidual residual) {
        Objects.requireNonNull(name, "name");
        if (residual == null) {
            throw new IllegalStateException(
                    modelName + "." + name + " is null after the constructor of " + modelName
                            + " ran: initialize the MuResidual field (final MuResidual residual ="
                            + " new MuResidual();)");
        }
        if (residuals.putIfAbsent(name, residual) != null) {
            throw new IllegalArgumentException(modelName + " declares residual '" + name + "' twice");
        }
        return this;
    }

    /**
     * Declares an input-like {@code Linear} layer ({@code @MuInput}) and installs a
     * {@link MuLinear} in its place.
     *
     * @param field the field holding the layer
     * @param layer the layer the model built
     * @param width the width its output size scales with
     * @param children the model's children, where the layer is replaced
     * @return the installed layer, to assign to the field
     */
    public Linear input(String field, Linear layer, String width, BlockList children) {
        requireLayer(field, layer);
        MuLinear installed = MuLinear.like(layer, 1.0);
        replaceChild(children, field, layer, installed);
        replaced.put(installed, layer);
        add(field, LayerRole.INPUT, installed, null, width(width, field), 1.0, false);
        return installed;
    }

    /**
     * Declares an input-like layer ({@code @MuInput}) that is not a {@code Linear}: an
     * {@code Embedding} or {@code LayerNorm} whose output size scales with {@code width}.
     *
     * @param field the field holding the layer
     * @param layer the layer
     * @param width the width its output size scales with
     * @return this builder
     */
    public MuModelBuilder input(String field, Block layer, String width) {
        add(field, LayerRole.INPUT, layer, null, width(width, field), 1.0, false);
        return this;
    }

    /**
     * Declares a hidden layer ({@code @MuHidden}): a {@code Linear} whose input and output sizes
     * scale with widths, and installs a {@link MuLinear} in its place.
     *
     * @param field the field holding the layer
     * @param layer the layer the model built
     * @param fanInWidth the width its input size scales with
     * @param fanOutWidth the width its output size scales with
     * @param children the model's children, where the layer is replaced
     * @return the installed layer, to assign to the field
     */
    public Linear hidden(
            String field, Linear layer, String fanInWidth, String fanOutWidth, BlockList children) {
        requireLayer(field, layer);
        MuLinear installed = MuLinear.like(layer, 1.0);
        replaceChild(children, field, layer, installed);
        replaced.put(installed, layer);
        add(field, LayerRole.HIDDEN, installed, width(fanInWidth, field), width(fanOutWidth, field), 1.0, false);
        return installed;
    }

    /**
     * Declares an input-like convolution ({@code @MuInput}): a {@code Conv1d}, {@code Conv2d} or
     * {@code Conv3d} whose output channels scale with {@code width}. A {@code Conv2d} is replaced
     * by a {@link MuConv2d} (same configuration and parameters) that a coordinate check can
     * observe; DJL's {@code Conv1d} and {@code Conv3d} cannot be subclassed and stay in place.
     * Fans count the kernel area as PyTorch does ({@link MuLayer#describe}).
     *
     * @param <C> the declared type of the field
     * @param field the field holding the layer
     * @param layer the layer the model built
     * @param width the width its output channels scale with
     * @param children the model's children, where the layer is replaced
     * @return the installed layer, to assign to the field
     * @throws IllegalArgumentException when the layer is a subclass of a DJL convolution, whose
     *     behaviour replacing it would lose
     */
    public <C extends Convolution> C input(String field, C layer, String width, BlockList children) {
        C installed = installConvolution(field, layer, children);
        add(field, LayerRole.INPUT, installed, null, width(width, field), 1.0, false);
        return installed;
    }

    /**
     * Declares a hidden convolution ({@code @MuHidden}): a {@code Conv1d}, {@code Conv2d} or
     * {@code Conv3d} whose input and output channels scale with widths; installed as by
     * {@link #input(String, Convolution, String, BlockList)}.
     *
     * @param <C> the declared type of the field
     * @param field the field holding the layer
     * @param layer the layer the model built
     * @param fanInWidth the width its input channels scale with
     * @param fanOutWidth the width its output channels scale with
     * @param children the model's children, where the layer is replaced
     * @return the installed layer, to assign to the field
     * @throws IllegalArgumentException when the layer is a subclass of a DJL convolution
     */
    public <C extends Convolution> C hidden(
            String field, C layer, String fanInWidth, String fanOutWidth, BlockList children) {
        C installed = installConvolution(field, layer, children);
        add(field, LayerRole.HIDDEN, installed, width(fanInWidth, field), width(fanOutWidth, field), 1.0, false);
        return installed;
    }

    /**
     * Declares a multi-head attention block ({@code @MuHidden}): its four projections are hidden
     * layers named {@code field.query}, {@code field.key}, {@code field.value},
     * {@code field.output}, and its logit scale is set by {@link MuRule#attentionLogitScale}.
     *
     * @param field the field holding the block
     * @param attention the block
     * @param fanInWidth the width its input size scales with (the model dimension)
     * @param fanOutWidth the width its output size scales with (the model dimension)
     * @param children the model's children (unchanged: the block is kept)
     * @return the same block, to assign to the field
     */
    public MuAttention hidden(
            String field, MuAttention attention, String fanInWidth, String fanOutWidth, BlockList children) {
        requireLayer(field, attention);
        WidthDimension in = width(fanInWidth, field);
        WidthDimension out = width(fanOutWidth, field);
        if (attention.modelDim() % out.value() != 0) {
            throw new IllegalArgumentException(
                    modelName + "." + field + " has model dimension " + attention.modelDim()
                            + ", not a multiple of width '" + out.name() + "' = " + out.value());
        }
        if (attention.headSizeFixed() && out.base() % attention.headSize() != 0) {
            throw new IllegalArgumentException(
                    modelName + "." + field + ": the base of width '" + out.name() + "' (" + out.base()
                            + ") is not a multiple of the head size " + attention.headSize()
                            + ", so the base model would have a fractional number of heads; choose a base"
                            + " divisible by the head size");
        }
        double headSizeMultiplier = attention.headSizeFixed() ? 1.0 : out.multiplier();
        double baseHeadSize = MuRule.baseSize(attention.headSize(), headSizeMultiplier);
        if (baseHeadSize % 1 != 0) {
            throw new IllegalArgumentException(
                    modelName + "." + field + ": with " + attention.heads() + " heads, the head size at"
                            + " base width would be " + baseHeadSize
                            + "; choose a base of '" + out.name() + "' divisible by the number of heads");
        }
        attention.setLogitScale(rule.attentionLogitScale(attention.headSize(), headSizeMultiplier));
        MuLinear[] projections = attention.projections();
        String[] names = MuAttention.projectionNames();
        for (int i = 0; i < projections.length; i++) {
            boolean zero = i == 0 && rule.options().zeroInitQuery();
            add(field + "." + names[i], LayerRole.HIDDEN, projections[i], in, out, 1.0, zero);
        }
        attentions.put(field, attention);
        return attention;
    }

    /**
     * Declares the readout ({@code @MuOutput}) and installs a {@link MuLinear} in its place,
     * both among the model's children and as the value the generated code assigns to the field.
     *
     * @param field the field holding the readout
     * @param layer the readout the model built
     * @param fanInWidth the width its input size scales with
     * @param outputMultiplier α_out from the annotation (an option may override it)
     * @param zeroInit the annotation's zero-init choice (an option may override it)
     * @param children the model's children, where the readout is replaced
     * @return the installed readout, to assign to the field
     */
    public Linear output(
            String field,
            Linear layer,
            String fanInWidth,
            double outputMultiplier,
            boolean zeroInit,
            BlockList children) {
        requireLayer(field, layer);
        MuOptions options = rule.options();
        double alpha = options.outputMultiplier().orElse(outputMultiplier);
        if (!(alpha > 0) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException(
                    "Output multiplier of " + modelName + "." + field
                            + " must be positive and finite, got " + alpha);
        }
        boolean zero = options.zeroInitReadout().orElse(zeroInit);
        WidthDimension in = width(fanInWidth, field);
        MuLinear readout = MuLinear.like(layer, rule.readoutInputMultiplier(alpha, in.multiplier()));
        readout.checkOptimizer(optimizerCheck);
        readout.checkResiduals(residualCheck);
        replaceChild(children, field, layer, readout);
        replaced.put(readout, layer);
        add(field, LayerRole.OUTPUT, readout, in, null, alpha, zero);
        return readout;
    }

    /**
     * Declares a readout tied to the input embedding ({@code @MuOutput} on a
     * {@link MuTiedReadout}): sets its logit multiplier {@code α_out / m_in}. The shared table is
     * the embedding's and stays input-like.
     *
     * @param field the field holding the readout
     * @param readout the tied readout
     * @param fanInWidth the width its input size scales with (the embedding dimension)
     * @param outputMultiplier α_out from the annotation (an option may override it)
     * @param zeroInit must be {@code false}: zeroing the readout would zero the input embedding
     * @param children the model's children (unchanged: the block is kept)
     * @return the same readout, to assign to the field
     * @throws IllegalArgumentException for zero init, the form without forward multipliers, or an
     *     embedding that is not declared {@code @MuInput}
     */
    public MuTiedReadout output(
            String field,
            MuTiedReadout readout,
            String fanInWidth,
            double outputMultiplier,
            boolean zeroInit,
            BlockList children) {
        requireLayer(field, readout);
        MuOptions options = rule.options();
        if (zeroInit || options.zeroInitReadout().orElse(false)) {
            throw new IllegalArgumentException(
                    modelName + "." + field + " is tied to the input embedding: zero init would zero"
                            + " the embedding too; drop zeroInit for tied readouts");
        }
        if (options.readoutForm() == ReadoutForm.NO_FORWARD_MULTIPLIER) {
            throw new IllegalArgumentException(
                    modelName + "." + field + " is tied to the input embedding, which the form without"
                            + " forward multipliers would have to rescale; use"
                            + " ReadoutForm.FORWARD_MULTIPLIER with tied readouts");
        }
        if (layers.stream().noneMatch(l -> l.block() == readout.embedding())) {
            throw new IllegalArgumentException(
                    modelName + "." + field + " is tied to an embedding that is not declared with"
                            + " @MuInput before it; declare the embedding field first");
        }
        double alpha = options.outputMultiplier().orElse(outputMultiplier);
        if (!(alpha > 0) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException(
                    "Output multiplier of " + modelName + "." + field
                            + " must be positive and finite, got " + alpha);
        }
        WidthDimension in = width(fanInWidth, field);
        readout.setLogitMultiplier(rule.readoutInputMultiplier(alpha, in.multiplier()));
        readout.checkOptimizer(optimizerCheck);
        readout.checkResiduals(residualCheck);
        readout.guardLoading(initGuard);
        tiedReadouts.put(field, readout);
        return readout;
    }

    /**
     * Declares a layer or block whose parameters stay in the standard parametrization on purpose
     * ({@code @MuUnscaled}): μP leaves their initializer, learning rate and weight decay as they
     * are (multiplier 1), and lists them in the parametrization's table with the class {@link
     * ParameterClass#UNSCALED}, so that they are not reported as outside the μP table. All the
     * parameters the block holds, its children's included, are declared.
     *
     * @param field the field holding the block (for a block's field: its path in the model)
     * @param block the block
     * @return this builder
     * @throws IllegalStateException naming the field when the block is null (not built by the
     *     constructor)
     * @throws IllegalArgumentException when the field is declared twice
     */
    public MuModelBuilder unscaled(String field, Block block) {
        requireLayer(field, block);
        if (unscaled.putIfAbsent(field, block) != null) {
            throw new IllegalArgumentException(modelName + " declares '" + field + "' twice");
        }
        return this;
    }

    /**
     * Declares every block of an array as unscaled ({@link #unscaled(String, Block)}), element
     * {@code i} under the name {@code field.i}.
     *
     * @param field the field holding the blocks
     * @param blocks the blocks
     * @return this builder
     * @throws IllegalStateException naming the field when the array or an element is null
     */
    public MuModelBuilder unscaled(String field, Block[] blocks) {
        if (blocks == null) {
            requireLayer(field, null);
        }
        return unscaled(field, List.of(blocks));
    }

    /**
     * Declares every block of a list as unscaled ({@link #unscaled(String, Block)}), element
     * {@code i} under the name {@code field.i}.
     *
     * @param field the field holding the blocks
     * @param blocks the blocks
     * @return this builder
     * @throws IllegalStateException naming the field when the list or an element is null
     */
    public MuModelBuilder unscaled(String field, List<? extends Block> blocks) {
        if (blocks == null) {
            requireLayer(field, null);
        }
        for (int i = 0; i < blocks.size(); i++) {
            unscaled(field + "." + i, blocks.get(i));
        }
        return this;
    }

    /**
     * The live list of children of a sub-block, for the generated {@code declare} method of a
     * {@code @MuBlock} class: declaring a {@code Linear} layer of the block replaces it there by
     * its {@link MuLinear}. ({@link AbstractBlock#getChildren()} returns a copy, which would
     * not do.)
     *
     * @param path the block's place in the model, as the prefix of its layers' names, e.g.
     *     {@code blocks.1.}
     * @param block the block held by the model (or by an enclosing block)
     * @return the block's own children list, not a copy
     * @throws IllegalStateException naming the path when the block is null (not built by the
     *     model's constructor), or when its children cannot be reached
     */
    public BlockList childrenOf(String path, AbstractBlock block) {
        Objects.requireNonNull(path, "path");
        String place = path.endsWith(".") ? path.substring(0, path.length() - 1) : path;
        if (block == null) {
            throw new IllegalStateException(
                    modelName + "." + place + " is null after the constructor of " + modelName
                            + " ran: build every block (each element of a list or array of blocks)"
                            + " in the constructor so μP can parametrize it");
        }
        return LiveChildren.of(block, modelName + "." + place);
    }

    /**
     * Finishes the parametrization of a model, which from then on checks that every parameter of
     * the model is in the μP table: a parameter outside every declared layer, block and unscaled
     * field makes {@link MuParametrization#parameters()}, its report and the μP optimizers fail
     * with the list of such parameters and how to fix each.
     *
     * @param model the model (the generated class passes {@code this})
     * @return the immutable parametrization of the model
     * @throws IllegalStateException when no readout was declared
     */
    public MuParametrization build(Block model) {
        return finish(Objects.requireNonNull(model, "model"));
    }

    /**
     * Finishes the parametrization without the model, for classes generated by an earlier μP
     * processor: the parameters outside the declared layers are not checked.
     *
     * @return the immutable parametrization of the model
     * @throws IllegalStateException when no readout was declared
     */
    public MuParametrization build() {
        return finish(null);
    }

    private MuParametrization finish(Block model) {
        for (String name : rule.options().baseWidths().keySet()) {
            if (!widths.containsKey(name)) {
                throw new IllegalArgumentException(
                        "MuOptions sets the base of width '" + name + "', but " + modelName
                                + " has widths " + widths.keySet());
            }
        }
        if (layers.stream().noneMatch(l -> l.role() == LayerRole.OUTPUT) && tiedReadouts.isEmpty()) {
            throw new IllegalStateException(
                    modelName + " has no @MuOutput readout: μP needs one to scale the logits");
        }
        double depthMultiplier = depth == null ? 1.0 : depth.multiplier();
        String prefix = depth == null ? null : depth.name() + ".";
        if (rule.depthScaling()) {
            if (depth == null) {
                throw new IllegalArgumentException(
                        "MuOptions sets depthExponent " + rule.options().depthExponent() + ", but "
                                + modelName + " declares no depth: annotate its list (or array) of"
                                + " @MuBlock blocks with @Depth(base = …), or leave depthExponent at 0");
            }
            if (residuals.keySet().stream().noneMatch(n -> n.startsWith(prefix))) {
                throw new IllegalStateException(
                        "MuOptions sets depthExponent " + rule.options().depthExponent() + ", but the"
                                + " blocks of " + modelName + "." + depth.name() + " add no branch"
                                + " through a MuResidual, so their residual branches would not be"
                                + " scaled: give the block class a field 'final MuResidual residual ="
                                + " new MuResidual();' and write x = residual.add(x, branch)");
            }
        } else if (rule.options().baseDepth().isPresent() && depth == null) {
            throw new IllegalArgumentException(
                    "MuOptions sets the base depth, but " + modelName + " declares no @Depth");
        }
        residuals.forEach((name, residual) -> residual.setScale(
                prefix != null && name.startsWith(prefix) ? rule.residualMultiplier(depthMultiplier) : 1.0));
        if (rule.depthScaling()) {
            // a residual declared but not called would leave its branches unscaled
            Map<String, MuResidual> inDepth = new LinkedHashMap<>();
            residuals.forEach((name, residual) -> {
                if (name.startsWith(prefix)) {
                    inDepth.put(name, residual);
                }
            });
            residualCheck.watch(inDepth, rule.options().depthExponent());
        }
        List<MuLayer> placed = new ArrayList<>();
        for (MuLayer l : layers) {
            placed.add(l.inDepth(depthMultiplier, prefix != null && l.field().startsWith(prefix)));
        }
        return new MuParametrization(modelName, rule, widths, placed, attentions, tiedReadouts,
                model, model == null ? Map.of() : unscaled, model == null ? Map.of() : replaced, depth, residuals);
    }

    private void add(
            String field,
            LayerRole role,
            Block layer,
            WidthDimension fanIn,
            WidthDimension fanOut,
            double alpha,
            boolean zeroInit) {
        requireLayer(field, layer);
        if (!MuLayer.isSupported(layer)) {
            throw new IllegalArgumentException(
                    modelName + "." + field + " holds a " + layer.getClass().getName()
                            + "; annotated fields must hold a Linear, Embedding, LayerNorm, Conv1d,"
                            + " Conv2d, Conv3d or BatchNorm");
        }
        MuLayer muLayer = new MuLayer(field, role, layer, fanIn, fanOut, alpha, zeroInit);
        for (Parameter parameter : muLayer.parameters()) {
            parameter.setInitializer(new MuInitializer(rule, muLayer, parameter.getName()));
        }
        initGuard.add(muLayer);
        if (layer instanceof InitGuarded guarded) {
            guarded.guardInitializers(muLayer);
        }
        layers.add(muLayer);
    }

    @SuppressWarnings("unchecked")
    private <C extends Convolution> C installConvolution(String field, C layer, BlockList children) {
        requireLayer(field, layer);
        Class<?> type = layer.getClass();
        if (type != Conv1d.class && type != Conv2d.class && type != Conv3d.class) {
            throw new IllegalArgumentException(
                    modelName + "." + field + " holds a " + type.getName() + ": μP parametrizes"
                            + " DJL's Conv1d, Conv2d and Conv3d themselves and would lose what a"
                            + " subclass adds; build the field with Conv1d/Conv2d/Conv3d.builder()");
        }
        if (type != Conv2d.class) {
            return layer;
        }
        MuConv2d installed = MuConv2d.like((Conv2d) layer);
        replaceChild(children, field, layer, installed);
        return (C) installed;
    }

    private void requireLayer(String field, Block layer) {
        if (layer == null) {
            throw new IllegalStateException(
                    modelName + "." + field + " is null after the constructor of " + modelName
                            + " ran: build the layer in the constructor so μP can parametrize it");
        }
    }

    private WidthDimension width(String name, String field) {
        WidthDimension width = widths.get(name);
        if (width == null) {
            throw new IllegalArgumentException(
                    modelName + "." + field + " names width '" + name + "', but the widths are "
                            + widths.keySet());
        }
        return width;
    }

    private void replaceChild(BlockList children, String field, Block old, Block replacement) {
        for (int i = 0; i < children.size(); i++) {
            if (children.valueAt(i) == old) {
                String key = children.keyAt(i);
                children.remove(i);
                children.add(i, key, replacement);
                return;
            }
        }
        int dot = field.lastIndexOf('.');
        String owner = dot < 0 ? modelName : "its block " + modelName + "." + field.substring(0, dot);
        throw new IllegalStateException(
                modelName + "." + field + " holds a block that is not a direct child of "
                        + owner + ": register the layer with addChildBlock(...) in the"
                        + " constructor so μP can install its own layer in its place");
    }

    /**
     * The one place that reaches into DJL: {@code AbstractBlock.children} is protected, and the
     * μP {@code Linear} of a sub-block must replace the original in that very list.
     */
    private static final class LiveChildren {

        private static final Field CHILDREN;
        private static final RuntimeException FAILURE;

        static {
            Field field;
            RuntimeException failure = null;
            try {
                field = AbstractBlock.class.getDeclaredField("children");
                field.setAccessible(true);
            } catch (NoSuchFieldException | RuntimeException e) {
                field = null;
                failure = new IllegalStateException(
                        "μP cannot reach ai.djl.nn.AbstractBlock.children (" + e + "): this DJL"
                                + " version is not supported, or DJL is loaded as a named module"
                                + " that does not open ai.djl.nn to the μP runtime", e);
            }
            CHILDREN = field;
            FAILURE = failure;
        }

        private LiveChildren() {}

        static BlockList of(AbstractBlock block, String name) {
            if (CHILDREN == null) {
                throw new IllegalStateException(
                        "Cannot declare the layers of " + name + ": " + FAILURE.getMessage(), FAILURE);
            }
            try {
                return (BlockList) CHILDREN.get(block);
            } catch (IllegalAccessException | ClassCastException e) {
                throw new IllegalStateException(
                        "Cannot declare the layers of " + name + ": μP cannot read"
                                + " ai.djl.nn.AbstractBlock.children (" + e + ")", e);
            }
        }
    }
}
