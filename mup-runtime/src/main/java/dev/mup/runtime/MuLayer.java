package dev.mup.runtime;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

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
     * Whether the layer's weight starts at zero (readout and attention-query options).
     *
     * @return the zero-init option
     */
    public boolean zeroInit() {
        return zeroInit;
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
        switch (kind) {
            case WEIGHT:
                fanOut = shape.get(0);
                fanIn = shape.get(1);
                break;
            case EMBEDDING:
                fanIn = shape.get(0);
                fanOut = shape.get(1);
                break;
            case BIAS:
                fanOut = shape.get(0);
                fanIn = linearFanIn();
                break;
            default:
                fanOut = shape.get(shape.dimension() - 1);
                fanIn = 1;
                break;
        }
        double mIn = multiplier(fanInWidth, fanIn, "fan_in", parameterName, shape);
        double mOut = multiplier(fanOutWidth, fanOut, "fan_out", parameterName, shape);
        ParameterClass parameterClass = MuRule.classify(kind, fanInWidth != null, fanOutWidth != null);
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
                kind == ParameterKind.WEIGHT && zeroInit,
                depthMultiplier,
                residualBlock);
    }

    private long linearFanIn() {
        Shape weight = block.getParameters().get("weight").getShape();
        if (weight == null) {
            throw new IllegalStateException(
                    "The weight of layer '" + field + "' has no shape yet: initialize the model first");
        }
        return weight.get(1);
    }

    private ParameterKind kindOf(String parameterName) {
        if (block instanceof Linear) {
            if ("weight".equals(parameterName)) {
                return ParameterKind.WEIGHT;
            }
            if ("bias".equals(parameterName)) {
                return ParameterKind.BIAS;
            }
        } else if (block instanceof Embedding) {
            return ParameterKind.EMBEDDING;
        } else if (block instanceof LayerNorm) {
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
     * @return {@code true} for {@code Linear}, {@code Embedding} and {@code LayerNorm}
     */
    static boolean isSupported(Block block) {
        return block instanceof Linear || block instanceof Embedding || block instanceof LayerNorm;
    }
}
