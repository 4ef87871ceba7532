package dev.mup.runtime;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Which parameters weight decay applies to, by what they are in their layer ({@link ParameterKind})
 * and by their μP class ({@link ParameterClass}); a parameter decays when both its kind and its
 * class are targets. Excluded parameters get weight-decay multiplier 0 from {@link MuRule}, in the
 * optimizers and in the μP report alike. Immutable.
 *
 * <p>{@link #ALL} (the default) decays every parameter, as PyTorch's optimizers do when given all
 * of a model's parameters; {@link #MATRICES} decays only the weight matrices of {@code Linear}
 * layers (input, hidden and readout, attention projections included), the usual recipe of
 * large-scale training (GPT-2/3, LLaMA, nanoGPT's {@code configure_optimizers}): no decay on
 * biases, norm gains and biases, and embeddings.
 */
public final class DecayTargets {

    /** Every parameter decays. */
    public static final DecayTargets ALL =
            new DecayTargets("ALL", EnumSet.allOf(ParameterKind.class), EnumSet.allOf(ParameterClass.class));

    /** Only {@code Linear} weight matrices decay: not biases, norm gains and biases, embeddings. */
    public static final DecayTargets MATRICES =
            new DecayTargets("MATRICES", EnumSet.of(ParameterKind.WEIGHT), EnumSet.allOf(ParameterClass.class));

    private final String name;
    private final Set<ParameterKind> kinds;
    private final Set<ParameterClass> classes;

    private DecayTargets(String name, Set<ParameterKind> kinds, Set<ParameterClass> classes) {
        this.name = name;
        this.kinds = Collections.unmodifiableSet(EnumSet.copyOf(kinds));
        this.classes = Collections.unmodifiableSet(EnumSet.copyOf(classes));
    }

    /**
     * Decay only parameters of the given kinds (of every class).
     *
     * @param first a kind that decays
     * @param rest further kinds that decay
     * @return the targets
     */
    public static DecayTargets kinds(ParameterKind first, ParameterKind... rest) {
        EnumSet<ParameterKind> set = EnumSet.of(Objects.requireNonNull(first, "kind"), rest);
        return new DecayTargets("kinds " + set, set, EnumSet.allOf(ParameterClass.class));
    }

    /**
     * Restricts these targets to parameters of the given μP classes, for example
     * {@code MATRICES.onlyClasses(ParameterClass.HIDDEN)} for hidden weight matrices only.
     *
     * @param first a class that decays
     * @param rest further classes that decay
     * @return the targets
     */
    public DecayTargets onlyClasses(ParameterClass first, ParameterClass... rest) {
        EnumSet<ParameterClass> set = EnumSet.of(Objects.requireNonNull(first, "class"), rest);
        set.retainAll(classes);
        if (set.isEmpty()) {
            throw new IllegalArgumentException(this + " already excludes every class of " + EnumSet.of(first, rest));
        }
        return new DecayTargets(name + ", classes " + set, kinds, set);
    }

    /**
     * Whether a parameter decays.
     *
     * @param p the parameter
     * @return {@code true} when both its kind and its class are targets
     */
    public boolean decays(MuParameter p) {
        return kinds.contains(p.kind()) && classes.contains(p.parameterClass());
    }

    /**
     * The kinds that decay.
     *
     * @return kinds
     */
    public Set<ParameterKind> kinds() {
        return kinds;
    }

    /**
     * The classes that decay.
     *
     * @return classes
     */
    public Set<ParameterClass> classes() {
        return classes;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DecayTargets other && kinds.equals(other.kinds) && classes.equals(other.classes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kinds, classes);
    }

    @Override
    public String toString() {
        return name;
    }
}
