package dev.mup.runtime;

/**
 * How Adam's ε scales with width and depth. Under μP the gradients of width-shaped parameters
 * shrink like {@code 1/m} (m the width multiplier), and under depth scaling those of the repeated
 * blocks like {@code m_L^(−α)}; Adam's second-moment root {@code √v̂} follows them, so a fixed ε
 * ends up comparable to {@code √v̂} at large width and Adam degrades to a momentum SGD on those
 * entries (Everett et al. 2024; Lingle 2024). Scaling ε like the gradient keeps ε's share of the
 * denominator the same at every width and depth.
 *
 * <p>The per-parameter factors come from {@link MuRule#epsilonMultiplier}; {@code m_N} below is
 * the width multiplier of the parameter's width dimension ({@code m_in} for weights whose fan_in
 * is a width, {@code m_out} for biases, norms and embeddings), {@code m_L = depth / base depth},
 * and α is {@link MuOptions#depthExponent()}.
 */
public enum EpsilonScaling {
    /** ε as given for every parameter (the default; what mup and PyTorch do). */
    FIXED,
    /**
     * ε / m_in on hidden matrices (Megatron-LM), and {@code ε · m_N⁻¹ · m_L^(−α)} on every
     * parameter of the repeated residual blocks when depth scaling is on (Dey et al. 2025,
     * "CompleteP", Table 1); embeddings, the final norm and the readout keep ε. This is the
     * project's recommended choice: it changes ε exactly where the published tables say.
     */
    HIDDEN,
    /**
     * {@code ε · m_N⁻¹ · m_L^(−α)} on every parameter whose size is a width, inside the blocks
     * or not, as the {@code completep} branch of EleutherAI/nanoGPT-mup does (one global ε for
     * the whole model); parameters with no width dimension keep ε.
     */
    GLOBAL
}
