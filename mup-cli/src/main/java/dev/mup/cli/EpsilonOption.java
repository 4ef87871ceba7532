package dev.mup.cli;

import dev.mup.runtime.EpsilonScaling;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * {@code --epsilon E} and {@code --epsilon-scaling fixed|hidden|global}: Adam's ε and how μP
 * scales it ({@link EpsilonScaling}, {@code MuOptions.epsilonScaling}). Both apply to the
 * optimizers that add an ε to {@code √v̂} (MuAdam); with any other optimizer they are refused in
 * one line.
 */
final class EpsilonOption {

    @Option(names = "--epsilon",
            description = "Adam's ε, added to √v̂ (default 1e-8); Adam optimizers only (adam-atan2 has none).")
    Double epsilon;

    @Option(names = "--epsilon-scaling",
            description = "How μP scales Adam's ε: fixed (default, as mup), hidden (ε/m_in on hidden"
                    + " matrices, Megatron-LM; and the CompleteP depth factor on blocks) or global (every"
                    + " width-shaped parameter, as nanoGPT-mup's completep branch). Adam optimizers only.")
    String scaling;

    /**
     * Whether either option was given.
     *
     * @return true when {@code --epsilon} or {@code --epsilon-scaling} is on the command line
     */
    boolean given() {
        return epsilon != null || scaling != null;
    }

    /**
     * The ε scaling asked for.
     *
     * @param cli the command, for the error
     * @return the scaling; {@link EpsilonScaling#FIXED} when not given
     * @throws BadInput for an unknown name
     */
    EpsilonScaling scaling(CommandLine cli) {
        return parseScaling(cli, scaling);
    }

    /**
     * Parses an {@code --epsilon-scaling} value.
     *
     * @param cli the command, for the error
     * @param scaling {@code fixed}, {@code hidden} or {@code global}, or null
     * @return the scaling; {@link EpsilonScaling#FIXED} for null
     * @throws BadInput for an unknown name
     */
    static EpsilonScaling parseScaling(CommandLine cli, String scaling) {
        if (scaling == null) {
            return EpsilonScaling.FIXED;
        }
        switch (scaling.trim().toLowerCase(Locale.ROOT)) {
            case "fixed":
                return EpsilonScaling.FIXED;
            case "hidden":
                return EpsilonScaling.HIDDEN;
            case "global":
                return EpsilonScaling.GLOBAL;
            default:
                throw new BadInput(cli, "Unknown --epsilon-scaling '" + scaling + "': use fixed, hidden or global");
        }
    }

    /**
     * Adam's ε asked for.
     *
     * @param cli the command, for the error
     * @return ε; {@link OptimizerChoice#DEFAULT_EPSILON} when not given
     * @throws BadInput when it is not a positive finite number
     */
    double epsilon(CommandLine cli) {
        if (epsilon == null) {
            return OptimizerChoice.DEFAULT_EPSILON;
        }
        if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
            throw new BadInput(cli, "--epsilon must be a positive number, got " + epsilon);
        }
        return epsilon;
    }

    /**
     * Checks both options, and that they apply to the optimizer.
     *
     * @param cli the command, for the error
     * @param hasEpsilon whether the optimizer adds an ε
     * @param optimizer the optimizer's command-line name, for the message
     * @throws BadInput naming the option and the optimizer, in one line
     */
    void check(CommandLine cli, boolean hasEpsilon, String optimizer) {
        scaling(cli);
        epsilon(cli);
        if (given()) {
            requireEpsilon(cli, epsilon != null ? "--epsilon" : "--epsilon-scaling", hasEpsilon, optimizer);
        }
    }

    /**
     * Refuses an ε option with an optimizer that adds no ε.
     *
     * @param cli the command, for the error
     * @param option the option given
     * @param hasEpsilon whether the optimizer adds an ε
     * @param optimizer the optimizer's command-line name, for the message
     * @throws BadInput naming the option and the optimizer, in one line, when it has none
     */
    static void requireEpsilon(CommandLine cli, String option, boolean hasEpsilon, String optimizer) {
        if (!hasEpsilon) {
            throw new BadInput(cli, option + " applies to Adam's ε (adam, adamw/adam-decoupled, adamw-scaled,"
                    + " adam-independent); " + optimizer + ("adam-atan2".equals(optimizer)
                            ? " has no ε (atan2 replaces √v̂ + ε)" : " adds no ε to its step"));
        }
    }
}
