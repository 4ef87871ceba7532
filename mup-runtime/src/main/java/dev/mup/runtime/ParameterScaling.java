package dev.mup.runtime;

/**
 * Everything μP decides for one parameter, relative to the hyperparameters tuned at base width.
 *
 * @param initStd the std it is drawn with (zero for constant inits)
 * @param forwardMultiplier the factor applied to it in the forward pass (for the readout: to its
 *     input, which scales the weight's contribution and not the bias)
 * @param lrMultiplier its learning rate divided by the global learning rate
 * @param weightDecayMultiplier its weight decay divided by the global weight decay
 * @param epsilonMultiplier its Adam ε divided by the global ε ({@link EpsilonScaling}; 1 for
 *     optimizers without ε)
 */
public record ParameterScaling(
        double initStd,
        double forwardMultiplier,
        double lrMultiplier,
        double weightDecayMultiplier,
        double epsilonMultiplier) {

    /**
     * A scaling with the global ε.
     *
     * @param initStd the std it is drawn with
     * @param forwardMultiplier the factor applied in the forward pass
     * @param lrMultiplier its learning rate divided by the global learning rate
     * @param weightDecayMultiplier its weight decay divided by the global weight decay
     */
    public ParameterScaling(
            double initStd, double forwardMultiplier, double lrMultiplier, double weightDecayMultiplier) {
        this(initStd, forwardMultiplier, lrMultiplier, weightDecayMultiplier, 1.0);
    }

    /**
     * The same scaling for a parameter that weight decay leaves alone ({@link DecayTargets}).
     *
     * @return this scaling with weight-decay multiplier 0
     */
    public ParameterScaling withoutWeightDecay() {
        return new ParameterScaling(initStd, forwardMultiplier, lrMultiplier, 0.0, epsilonMultiplier);
    }
}
