package dev.mup.runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Refuses, on the first forward pass through a μP model's readout, a depth-scaled model whose
 * blocks declare a {@link MuResidual} but add their branches without it ({@code x.add(branch)}
 * instead of {@code x = residual.add(x, branch)}): the branches would then not be scaled by
 * {@code m_L^(−α)} ({@link MuRule#residualMultiplier}) while the learning rates are, and the
 * model would leave μP silently. A model without depth scaling (α = 0, multiplier 1) is not
 * checked: there an unused residual changes nothing.
 *
 * <p>The blocks of a model run before its readout, so by the readout's first pass every residual
 * of the repeated blocks has added a branch, or never will. The state is the model's own (one
 * check per model, shared by its readouts); once passed, a pass costs one volatile read.
 */
final class ResidualCheck {

    private final String modelName;
    private volatile Map<String, MuResidual> watched = Map.of();
    private volatile double depthExponent;
    private volatile boolean passed = true;

    ResidualCheck(String modelName) {
        this.modelName = modelName;
    }

    /**
     * Sets the residuals of the repeated blocks whose use is checked.
     *
     * @param residuals the residual connections of the @Depth blocks, by place in the model
     * @param depthExponent α of the model's options, named in the message
     */
    void watch(Map<String, MuResidual> residuals, double depthExponent) {
        this.depthExponent = depthExponent;
        this.watched = new LinkedHashMap<>(residuals);
        this.passed = residuals.isEmpty();
    }

    /**
     * Checks, on a forward pass through the readout, that every watched residual added a branch.
     *
     * @throws IllegalStateException naming the residuals that were never called
     */
    void look() {
        if (passed) {
            return;
        }
        List<String> unused = new ArrayList<>();
        watched.forEach((name, residual) -> {
            if (!residual.used()) {
                unused.add(name);
            }
        });
        if (unused.isEmpty()) {
            passed = true;
            return;
        }
        throw new IllegalStateException(
                "MuOptions sets depthExponent " + depthExponent + ", but the forward pass of " + modelName
                        + " reached its readout without calling the MuResidual " + String.join(", ", unused)
                        + " of its @Depth blocks, so those residual branches are not scaled by m_L^(−α):"
                        + " in the block's forward write x = residual.add(x, branch) instead of"
                        + " x.add(branch) (or remove the unused MuResidual field)");
    }
}
