package dev.mup.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Convolution;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.LayerNorm;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One annotated layer of a generated model: the field that holds it, its role, and the widths
 * its fans scale with. It knows how to describe each of its parameters to {@link MuRule}.
 */
public final class MuLayer {

    private final String field;
    private final LayerRole role;
    private final Block block;
    private final WidthDimension fanInWidth;
    private final WidthDimension fanOutWidth;
    private final double outputMultiplier;
    private final boolean zeroInit;
    private final Map<String, NDArray> drawn;
    private volatile InitGuard guard;
    private final double depthMultiplier;
    private final boolean residualBlock;

    MuLayer(
            String field,
            LayerRole role,
            Block block,
            WidthDimension fanInWidth,
            WidthDimension fanOutWidth,
            double outputMultiplier,
            boolean zeroInit) {
        this(field, role, block, fanInWidth, fanOutWidth, outputMultiplier, zeroInit, 1.0, false);
    }

    MuLayer(
            String field,
            LayerRole role,
            Block block,
            WidthDimension fanInWidth,
            WidthDimension fanOutWidth,
            double outputMultiplier,
            boolean zeroInit,
            double depthMultiplier,
            boolean residualBlock) {
        this(field, role, block, fanInWidth, fanOutWidth, outputMultiplier, zeroInit, depthMultiplier,
                residualBlock, new ConcurrentHashMap<>());
    }

    private MuLayer(
            String field,
            LayerRole role,
            Block block,
            WidthDimension fanInWidth,
            WidthDimension fanOutWidth,
            double outputMultiplier,
            boolean zeroInit,
            double depthMultiplier,
            boolean residualBlock,
            Map<String, NDArray> drawn) {
        this.drawn = drawn;
        this.depthMultiplier = depthMultiplier;
        this.residualBlock = residualBlock;
        this.field = field;
        this.role = role;
        this.block = block;
        this.fanInWidth = fanInWidth;
        this.fanOutWidth = fanOutWidth;
        this.outputMultiplier = outputMultiplier;
        this.zeroInit = zeroInit;
    }

    /**
     * The name of the annotated field.
     *
     * @return the field name
     */
    public String field() {
        return field;
    }

    /**
     * The role the annotation gave the layer.
     *
     * @return the role
     */
    public LayerRole role() {
        return role;
    }

    /**
     * The DJL block (for a readout: the μP readout installed in place of the annotated one).
     *
     * @return the block
     */
    public Block block() {
        return block;
    }

    /**
     * The width the layer's fan_in scales with, or {@code null} when it is finite.
     *
     * @return the fan_in width or {@code null}
     */
    public WidthDimension fanInWidth() {
        return fanInWidth;
    }

    /**
     * The width the layer's fan_out scales with, or {@code null} when it is finite.
     *
     * @return the fan_out width or {@code null}
     */
    public WidthDimension fanOutWidth() {
        return fanOutWidth;
    }

    /**
     * α_out for a readout, 1 for other layers.
     *
     * @return the output multiplier
     */
    public double outputMultiplier() {
        return outputMultiplier;
    }

    /**
     * Whether the layer's weight and bias start at zero (readout and attention-query options).
     *
     * @return the zero-init option
     */
    public boolean zeroInit() {
        return zeroInit;
    }

    /**
     * This layer placed in the model's depth, which the builder knows only once every layer is
     * declared: the same layer, sharing the initializer guard and the record of what μP drew (the
     * initializers installed on its parameters report to this layer).
     *
     * @param depthMultiplier the model's {@code m_L}
     * @param residualBlock whether the layer is in one of the {@code @Depth} blocks
     * @return the placed layer
     */
    MuLayer inDepth(double depthMultiplier, boolean residualBlock) {
        MuLayer placed = new MuLayer(field, role, block, fanInWidth, fanOutWidth, outputMultiplier, zeroInit,
                depthMultiplier, residualBlock, drawn);
        placed.guard = guard;
        return placed;
    }

    /** Sets the guard of the model's initializers. */
    void guard(InitGuard guard) {
        this.guard = guard;
    }

    /**
     * Refuses initializers set by the user on this layer's parameters ({@link InitGuard}).
     *
     * @throws IllegalStateException naming a parameter a user's initializer draws or drew
     */
    void checkInitializers() {
        InitGuard g = guard;
        if (g != null) {
            g.check(this);
        }
    }

    /** Refuses initializers set by the user anywhere in the model ({@link InitGuard}). */
    void checkModelInitializers() {
        InitGuard g = guard;
        if (g != null) {
            g.check();
        }
    }

    /** Records that the model's saved weights were loaded. */
    void loaded() {
        InitGuard g = guard;
        if (g != null) {
            g.loaded();
        }
    }

    /** Records the array μP drew for a parameter. */
    void drew(String parameterName, NDArray array) {
        drawn.put(parameterName, array);
    }

    /** Whether μP drew this very array for the parameter. */
    boolean drewArray(String parameterName, NDArray array) {
        return drawn.get(parameterName) == array;
    }

    /**
     * The parameters of the layer that μP initializes and scales: its direct parameters except
     * the running mean and variance of a {@code BatchNorm}, which are statistics updated in the
     * forward pass, not trained (mup's buffers): they keep DJL's initial values (0 and 1) and are
     * given to no optimizer as μP parameters.
     *
     * @return the parameters, in the layer's order
     */
    List<Parameter> parameters() {
        List<Parameter> out = new ArrayList<>();
        for (Parameter parameter : block.getDirectParameters().values()) {
            Parameter.Type type = parameter.getType();
            if (type != Parameter.Type.RUNNING_MEAN && type != Parameter.Type.RUNNING_VAR) {
                out.add(parameter);
            }
        }
        return out;
    }

    /**
     * Whether the layer belongs to one of the repeated residual blocks of the model's
     * {@code @Depth} field.
     *
     * @return {@code true} inside those blocks
     */
    public boolean residualBlock() {
        return residualBlock;
    }

    /**
     * The model's depth multiplier {@code m_L} (1 without {@code @Depth}).
     *
     * @return {@code m_L}
     */
    public double depthMultiplier() {
        return depthMultiplier;
    }

    /**
     * Describes one of the layer's parameters once its shape is known.
     *
     * <p>Fans are counted as PyTorch counts them: a {@code Linear} weight {@code (out, in)} has
     * fan_in {@code in} and fan_out {@code out}; a convolution weight {@code (out, in/groups,
     * k...)} has fan_in {@code in/groups · kernel area} and fan_out {@code out · kernel area}, and
     * its width multipliers are those of its channels ({@code in} and {@code out}, which must be
     * multiples of the widths named for them). A bias has its layer's fan_in.
     *
     * @param parameterName the DJL name of the parameter ({@code weight}, {@code bias},
     *     {@code embedding}, {@code gamma}, {@code beta})
     * @param shape its shape
     * @return the description {@link MuRule} scales
     * @throws IllegalStateException when a fan that should scale with a width is not a multiple
     *     of that width
     */
    public MuParameter describe(String parameterName, Shape shape) {
        Objects.requireNonNull(shape, "shape");
        ParameterKind kind = kindOf(parameterName);
        long fanIn;
        long fanOut;
        // the sizes that scale with the widths: the fans, or a convolution's channels
        long inUnits;
        long outUnits;
        switch (kind) {
            case WEIGHT:
                outUnits = shape.get(0);
                // a grouped convolution's weight holds in/groups input channels per group
                inUnits = shape.get(1) * groups();
                fanOut = outUnits * kernelArea(shape);
                fanIn = shape.get(1) * kernelArea(shape);
                break;
            case EMBEDDING:
                fanIn = shape.get(0);
                fanOut = shape.get(1);
                inUnits = fanIn;
                outUnits = fanOut;
                break;
            case BIAS:
                fanOut = shape.get(0);
                Shape weight = weightShape();
                fanIn = weight.get(1) * kernelArea(weight);
                inUnits = weight.get(1) * groups();
                outUnits = fanOut;
                break;
            default:
                fanOut = shape.get(shape.dimension() - 1);
                fanIn = 1;
                inUnits = fanIn;
                outUnits = fanOut;
                break;
        }
        boolean conv = block instanceof Convolution;
        // a scalar gain (MuRmsNorm's Gain.SCALAR) has no width dimension, whatever the layer's
        // width: it is a fixed parameter
        WidthDimension outWidth = isScalarGain() ? null : fanOutWidth;
        double mIn = multiplier(
                fanInWidth, inUnits, conv ? "input channel count" : "fan_in", parameterName, shape);
        double mOut = multiplier(
                outWidth, outUnits, conv ? "output channel count" : "fan_out", parameterName, shape);
        ParameterClass parameterClass = MuRule.classify(kind, fanInWidth != null, outWidth != null);
        boolean readoutWeight = role == LayerRole.OUTPUT && kind == ParameterKind.WEIGHT;
        List<Long> dims = new ArrayList<>();
        for (long d : shape.getShape()) {
            dims.add(d);
        }
        return new MuParameter(
                field + "." + parameterName,
                field,
                kind,
                dims,
                parameterClass,
                fanIn,
                fanOut,
                mIn,
                mOut,
                readoutWeight ? outputMultiplier : 1.0,
                zeroInit && zeroesWithLayer(kind),
                depthMultiplier,
                residualBlock);
    }

    /**
     * Whether a zero-init layer zeroes this kind of parameter: a {@code Linear}'s weight and its
     * bias, as mup's {@code MuReadout} does (so the first logits, or attention logits for a
     * zero-init query, are exactly zero).
     */
    private static boolean zeroesWithLayer(ParameterKind kind) {
        return kind == ParameterKind.WEIGHT || kind == ParameterKind.BIAS;
    }

    private boolean isScalarGain() {
        return block instanceof MuRmsNorm && ((MuRmsNorm) block).gain() == MuRmsNorm.Gain.SCALAR;
    }

    private Shape weightShape() {
        Shape weight = block.getParameters().get("weight").getShape();
        if (weight == null) {
            throw new IllegalStateException(
                    "The weight of layer '" + field + "' has no shape yet: initialize the model first");
        }
        return weight;
    }

    /** The number of groups of a convolution; 1 for other layers. */
    private long groups() {
        return block instanceof Convolution ? ((Convolution) block).getGroups() : 1;
    }

        /** The product of a weight's dimensions after (out, in): 1 for a Linear. */
    private static long kernelArea(Shape weight) {
        long area = 1;
        for (int i = 2; i < weight.dimension(); i++) {
            area *= weight.get(i);
        }
        return area;
    }

    private ParameterKind kindOf(String parameterName) {
        if (block instanceof Linear || block instanceof Convolution) {
            if ("weight".equals(parameterName)) {
                return ParameterKind.WEIGHT;
            }
            if ("bias".equals(parameterName)) {
                return ParameterKind.BIAS;
            }
        } else if (block instanceof Embedding) {
            return ParameterKind.EMBEDDING;
        } else if (block instanceof LayerNorm || block instanceof BatchNorm) {
            if ("gamma".equals(parameterName)) {
                return ParameterKind.NORM_GAIN;
            }
            if ("beta".equals(parameterName)) {
                return ParameterKind.NORM_BIAS;
            }
        }
        throw new IllegalStateException(
                "Layer '"
                        + field
                        + "' ("
                        + block.getClass().getSimpleName()
                        + ") has a parameter '"
                        + parameterName
                        + "' that μP does not know how to classify");
    }

    private double multiplier(
            WidthDimension width, long fan, String which, String parameterName, Shape shape) {
        if (width == null) {
            return 1.0;
        }
        if (fan % width.value() != 0) {
            throw new IllegalStateException(
                    "Layer '"
                            + field
                            + "' declares that its "
                            + which
                            + " scales with width '"
                            + width.name()
                            + "' = "
                            + width.value()
                            + ", but its parameter '"
                            + parameterName
                            + "' has shape "
                            + shape
                            + " with "
                            + which
                            + " "
                            + fan
                            + ", which is not a multiple of "
                            + width.value()
                            + ". Name the right width in the annotation or fix the layer size.");
        }
        return width.multiplier();
    }

    /**
     * Whether DJL can hold this kind of block as an annotated μP layer.
     *
     * @param block a block
     * @return {@code true} for {@code Linear}, {@code Embedding}, {@code LayerNorm}, the
     *     convolutions and {@code BatchNorm}
     */
    static boolean isSupported(Block block) {
        return block instanceof Linear || block instanceof Embedding || block instanceof LayerNorm
                || block instanceof Convolution || block instanceof BatchNorm;
    }
}
