package dev.mup.workflow.sweep;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One point of a sweep: the model's parametrization and width, the seed, and the hyperparameters
 * being tuned (for example {@code log2Lr} and {@code outputMultiplier}).
 *
 * <p>The {@link #key()} identifies the trial in a {@link TrialStore}: two specs with the same
 * key are the same trial, so a sweep never trains one twice. Names are restricted to letters,
 * digits, {@code _}, {@code .} and {@code -} so that the key is unambiguous and can be read back.
 *
 * @param parametrization the parametrization's name, for example {@code mup} or {@code sp}
 * @param width the model's width, positive
 * @param seed the seed of the run
 * @param hyperparameters the tuned values by name, finite; copied to an unmodifiable sorted map
 * @param depth the model's depth (number of blocks) when the sweep varies depth
 *     ({@link SweepSettings#depths()}), or 0 for a trial without a depth axis, whose model has the
 *     task's own depth; depth-less trials keep the key they always had
 */
public record TrialSpec(String parametrization, int width, int seed, SortedMap<String, Double> hyperparameters,
        int depth) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.\\-]+");

    /** Validates and copies the hyperparameters. */
    public TrialSpec {
        Objects.requireNonNull(parametrization, "parametrization");
        Objects.requireNonNull(hyperparameters, "hyperparameters");
        if (!NAME.matcher(parametrization).matches()) {
            throw new IllegalArgumentException("parametrization '" + parametrization
                    + "' must be non-blank letters, digits, '_', '.' or '-' (it is part of the trial key)");
        }
        if (width <= 0) {
            throw new IllegalArgumentException("width must be positive, got " + width);
        }
        if (depth < 0) {
            throw new IllegalArgumentException("depth must be positive (or 0 for none), got " + depth);
        }
        TreeMap<String, Double> copy = new TreeMap<>();
        for (Map.Entry<String, Double> e : hyperparameters.entrySet()) {
            String name = e.getKey();
            Double value = e.getValue();
            if (name == null || !NAME.matcher(name).matches() || name.equals("width") || name.equals("seed")
                    || name.equals("depth")) {
                throw new IllegalArgumentException("hyperparameter name '" + name
                        + "' must be non-blank letters, digits, '_', '.' or '-', and not 'width', 'depth' or 'seed'"
                        + " (it is part of the trial key)");
            }
            if (value == null || !Double.isFinite(value)) {
                throw new IllegalArgumentException("hyperparameter " + name + " must be finite, got " + value);
            }
            // -0.0 and 0.0 are the same point of a grid; one spelling keeps the key canonical.
            copy.put(name, value == 0.0 ? 0.0 : value);
        }
        hyperparameters = Collections.unmodifiableSortedMap(copy);
    }

    /**
     * A trial without a depth axis (depth 0).
     *
     * @param parametrization the parametrization's name
     * @param width the model's width, positive
     * @param seed the seed of the run
     * @param hyperparameters the tuned values by name, finite
     */
    public TrialSpec(String parametrization, int width, int seed, SortedMap<String, Double> hyperparameters) {
        this(parametrization, width, seed, hyperparameters, 0);
    }

    /**
     * This spec at a depth.
     *
     * @param blocks the model's depth, positive (or 0 for none)
     * @return a new spec
     */
    public TrialSpec atDepth(int blocks) {
        return new TrialSpec(parametrization, width, seed, hyperparameters, blocks);
    }

    /**
     * Whether the trial sets the model's depth.
     *
     * @return {@code depth() > 0}
     */
    public boolean hasDepth() {
        return depth > 0;
    }

    /**
     * A spec with no hyperparameters besides width and seed.
     *
     * @param parametrization the parametrization's name
     * @param width the width
     * @param seed the seed
     * @return the spec
     */
    public static TrialSpec of(String parametrization, int width, int seed) {
        return new TrialSpec(parametrization, width, seed, new TreeMap<>());
    }

    /**
     * This spec with one more hyperparameter (or a new value for one it has).
     *
     * @param name the hyperparameter
     * @param value its value, finite
     * @return a new spec
     */
    public TrialSpec with(String name, double value) {
        TreeMap<String, Double> h = new TreeMap<>(hyperparameters);
        h.put(name, value);
        return new TrialSpec(parametrization, width, seed, h, depth);
    }

    /**
     * A hyperparameter's value.
     *
     * @param name the hyperparameter
     * @return its value
     * @throws IllegalArgumentException when this spec does not set it
     */
    public double hyperparameter(String name) {
        Double v = hyperparameters.get(name);
        if (v == null) {
            throw new IllegalArgumentException("trial " + key() + " has no hyperparameter '" + name
                    + "'; it has " + hyperparameters.keySet());
        }
        return v;
    }

    /**
     * The canonical, unique name of this trial:
     * {@code mup|width=128|seed=1|log2Lr=-8.0|outputMultiplier=1.0}, hyperparameters sorted by
     * name, values as {@link Double#toString(double)} writes them (which reads back exactly). A
     * trial with a depth has it after the width, {@code mup|width=64|depth=16|seed=1|log2Lr=-8.0};
     * one without has the key it had before depth existed.
     *
     * @return the key
     */
    public String key() {
        StringBuilder b = new StringBuilder(parametrization)
                .append("|width=").append(width);
        if (depth > 0) {
            b.append("|depth=").append(depth);
        }
        b.append("|seed=").append(seed);
        hyperparameters.forEach((name, value) -> b.append('|').append(name).append('=').append(value));
        return b.toString();
    }

    /**
     * Reads a key written by {@link #key()}.
     *
     * @param key the key
     * @return the spec whose key it is
     * @throws IllegalArgumentException when the text is not such a key
     */
    public static TrialSpec parseKey(String key) {
        Objects.requireNonNull(key, "key");
        String[] parts = key.split("\\|", -1);
        int first = parts.length > 2 && parts[2].startsWith("depth=") ? 3 : 2;
        if (parts.length < first + 1 || !parts[1].startsWith("width=") || !parts[first].startsWith("seed=")) {
            throw new IllegalArgumentException("'" + key
                    + "' is not a trial key like mup|width=128|seed=1|log2Lr=-8.0");
        }
        try {
            int width = Integer.parseInt(parts[1].substring("width=".length()));
            int depth = first == 3 ? Integer.parseInt(parts[2].substring("depth=".length())) : 0;
            if (first == 3 && depth <= 0) {
                throw new IllegalArgumentException("trial key '" + key + "' has a depth that is not positive");
            }
            int seed = Integer.parseInt(parts[first].substring("seed=".length()));
            TreeMap<String, Double> h = new TreeMap<>();
            for (int i = first + 1; i < parts.length; i++) {
                int eq = parts[i].indexOf('=');
                if (eq < 0) {
                    throw new IllegalArgumentException("'" + parts[i] + "' in trial key '" + key
                            + "' is not name=value");
                }
                if (h.put(parts[i].substring(0, eq), Double.parseDouble(parts[i].substring(eq + 1))) != null) {
                    throw new IllegalArgumentException("trial key '" + key + "' sets "
                            + parts[i].substring(0, eq) + " twice");
                }
            }
            return new TrialSpec(parts[0], width, seed, h, depth);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("trial key '" + key + "' has a value that is not a number: "
                    + e.getMessage(), e);
        }
    }
}
