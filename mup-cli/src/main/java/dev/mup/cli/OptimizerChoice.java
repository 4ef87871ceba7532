package dev.mup.cli;

import dev.mup.runtime.MuAdamAtan2;
import dev.mup.runtime.MuModel;
import dev.mup.runtime.UpdateRule;
import dev.mup.runtime.WeightDecayMode;
import ai.djl.training.optimizer.Optimizer;
import java.util.Locale;

/** The optimizers the command line offers, by their command-line names. */
public enum OptimizerChoice {
    /** MuAdam with coupled (L2) weight decay, mup's default. */
    ADAM("adam", UpdateRule.ADAM, WeightDecayMode.COUPLED),
    /** MuAdam with decoupled weight decay (AdamW; mup's {@code decoupled_wd=True}). */
    ADAM_DECOUPLED("adam-decoupled", UpdateRule.ADAM, WeightDecayMode.DECOUPLED),
    /** MuAdam with independent weight decay ({@code w -= wd·w}). */
    ADAM_INDEPENDENT("adam-independent", UpdateRule.ADAM, WeightDecayMode.INDEPENDENT),
    /** MuSGD with coupled weight decay. */
    SGD("sgd", UpdateRule.SGD, WeightDecayMode.COUPLED),
    /**
     * MuAdam with decoupled weight decay scaled by {@code m_N} on hidden matrices, so that the
     * applied decay does not shrink with width: the convention of CompleteP (Dey et al. 2025) and
     * Megatron-LM ({@link WeightDecayMode#DECOUPLED_SCALED}).
     */
    ADAMW_SCALED("adamw-scaled", UpdateRule.ADAM, WeightDecayMode.DECOUPLED_SCALED),
    /**
     * MuAdamAtan2 (Adam without ε, {@code atan2(m̂, √v̂)}), μP learning rates as Adam's, decoupled
     * weight decay. Takes no ε: the ε options are refused with it.
     */
    ADAM_ATAN2("adam-atan2", UpdateRule.ADAM, WeightDecayMode.DECOUPLED),
    /** MuLion (sign of the interpolated momentum), μP learning rates as Adam's, decoupled weight decay. */
    LION("lion", UpdateRule.ADAM, WeightDecayMode.DECOUPLED),
    /** MuLion with independent weight decay ({@code w -= wd·w}, not multiplied by the learning rate). */
    LION_INDEPENDENT("lion-independent", UpdateRule.ADAM, WeightDecayMode.INDEPENDENT);

    /** Adam's ε when none is given ({@code MuAdam}'s default). */
    public static final double DEFAULT_EPSILON = 1e-8;

    private final String cliName;
    private final UpdateRule rule;
    private final WeightDecayMode decay;

    OptimizerChoice(String cliName, UpdateRule rule, WeightDecayMode decay) {
        this.cliName = cliName;
        this.rule = rule;
        this.decay = decay;
    }

    /**
     * Parses a command-line name.
     *
     * @param text {@code adam}, {@code adam-decoupled}, {@code adam-independent}, {@code sgd},
     *     {@code adamw-scaled}, {@code adam-atan2}, {@code lion} or {@code lion-independent}
     * @return the choice
     * @throws IllegalArgumentException listing the accepted names
     */
    public static OptimizerChoice parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        for (OptimizerChoice c : values()) {
            if (c.cliName.equals(t) || (c == ADAM_DECOUPLED && "adamw".equals(t))) {
                return c;
            }
        }
        throw new IllegalArgumentException(
                "Unknown optimizer '" + text + "': use adam, adam-decoupled (or adamw), adam-independent, sgd,"
                        + " adamw-scaled, adam-atan2, lion or lion-independent");
    }

    /**
     * The optimizer family.
     *
     * @return Adam or SGD (Adam for adam-atan2 and Lion, whose μP learning rates are Adam's)
     */
    public UpdateRule rule() {
        return rule;
    }

    /**
     * How weight decay is applied.
     *
     * @return the weight-decay mode
     */
    public WeightDecayMode decay() {
        return decay;
    }

    /**
     * Builds this optimizer for an initialized model.
     *
     * @param model the model
     * @param learningRate the global learning rate
     * @param weightDecay the global weight decay
     * @return the optimizer
     */
    public Optimizer build(MuModel model, float learningRate, float weightDecay) {
        return build(model, learningRate, weightDecay, null);
    }

    /**
     * Whether this optimizer adds an ε to {@code √v̂} (MuAdam): only then do {@code --epsilon},
     * {@code --epsilon-scaling} and the ε probe mean something.
     *
     * @return true for the MuAdam choices
     */
    public boolean hasEpsilon() {
        return this == ADAM || this == ADAM_DECOUPLED || this == ADAM_INDEPENDENT || this == ADAMW_SCALED;
    }

    /**
     * Checks that an ε option applies to this optimizer.
     *
     * @param option the option's name, as the message shows it
     * @throws IllegalArgumentException in one line, when the optimizer has no ε
     */
    public void requireEpsilon(String option) {
        if (!hasEpsilon()) {
            throw new IllegalArgumentException(option + " applies to Adam's ε (adam, adam-decoupled,"
                    + " adam-independent, adamw-scaled); " + cliName + (this == ADAM_ATAN2 ? " has no ε (atan2 replaces √v̂ + ε)"
                            : " adds no ε to its step"));
        }
    }

    /**
     * Builds this optimizer for an initialized model, with Adam's ε.
     *
     * @param model the model
     * @param learningRate the global learning rate
     * @param weightDecay the global weight decay
     * @param epsilon Adam's ε (before its μP factor, {@code MuOptions.epsilonScaling}); null for
     *     the default 1e-8; must be null for an optimizer without ε ({@link #hasEpsilon()})
     * @return the optimizer
     * @throws IllegalArgumentException when an ε is given to an optimizer without one
     */
    public Optimizer build(MuModel model, float learningRate, float weightDecay, Double epsilon) {
        if (epsilon != null) {
            requireEpsilon("--epsilon");
        }
        switch (this) {
            case SGD:
                return model.sgd(learningRate).optWeightDecay(weightDecay, decay).build();
            case ADAM_ATAN2:
                return MuAdamAtan2.builder(model).optLearningRate(learningRate)
                        .optWeightDecay(weightDecay, decay).build();
            case LION:
            case LION_INDEPENDENT:
                return model.lion(learningRate).optWeightDecay(weightDecay, decay).build();
            default:
                return model.adam(learningRate).optWeightDecay(weightDecay, decay)
                        .optEpsilon(epsilon != null ? epsilon : DEFAULT_EPSILON).build();
        }
    }

    @Override
    public String toString() {
        return cliName;
    }
}
