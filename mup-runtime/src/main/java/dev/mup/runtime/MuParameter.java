package dev.mup.runtime;

import java.util.List;

/**
 * What μP knows about one parameter of a generated model: where it is, its shape, its class,
 * and the widths its layer scales with. {@link MuRule} turns this into a {@link ParameterScaling}.
 *
 * @param name {@code field.parameter}, for example {@code hidden.weight}
 * @param layer the annotated field holding the layer
 * @param kind what the parameter is inside its layer
 * @param shape the parameter's shape
 * @param parameterClass which of its dimensions are widths
 * @param fanIn the layer's input size (for a bias: the size of its layer's weight's fan_in)
 * @param fanOut the layer's output size
 * @param fanInMultiplier width multiplier of the layer's fan_in (1 when finite)
 * @param fanOutMultiplier width multiplier of the layer's fan_out (1 when finite)
 * @param outputMultiplier α_out for a readout weight, 1 otherwise
 * @param zeroInit whether the parameter starts at zero (the weight and bias of a zero-init
 *     readout or attention query)
 * @param depthMultiplier the model's depth multiplier {@code m_L = depth / base depth} (1 when
 *     the model declares no {@code @Depth})
 * @param residualBlock whether the parameter belongs to one of the repeated residual blocks of
 *     the {@code @Depth} field, whose learning rate and ε depth scaling changes
 */
public record MuParameter(
        String name,
        String layer,
        ParameterKind kind,
        List<Long> shape,
        ParameterClass parameterClass,
        long fanIn,
        long fanOut,
        double fanInMultiplier,
        double fanOutMultiplier,
        double outputMultiplier,
        boolean zeroInit,
        double depthMultiplier,
        boolean residualBlock) {

    /** Makes the shape immutable. */
    public MuParameter {
        shape = List.copyOf(shape);
    }

    /**
     * A parameter of a model without depth scaling ({@code m_L = 1}, outside any residual block).
     *
     * @param name {@code field.parameter}
     * @param layer the annotated field holding the layer
     * @param kind what the parameter is inside its layer
     * @param shape the parameter's shape
     * @param parameterClass which of its dimensions are widths
     * @param fanIn the layer's input size
     * @param fanOut the layer's output size
     * @param fanInMultiplier width multiplier of the layer's fan_in
     * @param fanOutMultiplier width multiplier of the layer's fan_out
     * @param outputMultiplier α_out for a readout weight, 1 otherwise
     * @param zeroInit whether the parameter starts at zero
     */
    public MuParameter(
            String name,
            String layer,
            ParameterKind kind,
            List<Long> shape,
            ParameterClass parameterClass,
            long fanIn,
            long fanOut,
            double fanInMultiplier,
            double fanOutMultiplier,
            double outputMultiplier,
            boolean zeroInit) {
        this(name, layer, kind, shape, parameterClass, fanIn, fanOut, fanInMultiplier, fanOutMultiplier,
                outputMultiplier, zeroInit, 1.0, false);
    }
}
