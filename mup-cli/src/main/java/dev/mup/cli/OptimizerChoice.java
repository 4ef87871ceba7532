package dev.mup.cli;

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
    ADAMW_SCALED("adamw-scaled", UpdateRule.ADAM, WeightDecayMode.DECOUPLED_SCALED);

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
     * @param text {@code adam}, {@code adam-decoupled}, {@code adam-independent}, {@code sgd} or
     *     {@code adamw-scaled}
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
                "Unknown optimizer '" + text + "': use adam, adam-decoupled (or adamw), adam-independent, sgd"
                        + " or adamw-scaled");
    }

    /**
     * The optimizer family.
     *
     * @return Adam or SGD
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
        if (rule == UpdateRule.SGD) {
            return model.sgd(learningRate).optWeightDecay(weightDecay, decay).build();
        }
        return model.adam(learningRate).optWeightDecay(weightDecay, decay).build();
    }

    @Override
    public String toString() {
        return cliName;
    }
}
