package dev.mup.processor;

import java.util.List;
import java.util.Objects;

/**
 * A class by name, and the name of the class the processor generates for it: {@code p.Outer.Inner}
 * gives the top-level {@code p.Outer_InnerMuP} (the names of the enclosing classes joined with
 * {@code _}, so that two nested classes named {@code Inner} in different classes do not collide).
 *
 * @param packageName the package; empty for the unnamed package
 * @param simpleNames the simple names from the outermost enclosing class down to the class
 */
record ClassReference(String packageName, List<String> simpleNames) {

    /** Appended to a model's or block's name to name the generated class. */
    static final String SUFFIX = "MuP";

    ClassReference {
        Objects.requireNonNull(packageName, "packageName");
        simpleNames = List.copyOf(simpleNames);
        if (simpleNames.isEmpty()) {
            throw new IllegalArgumentException("a class has a name");
        }
    }

    /**
     * The class's own simple name ({@code Inner} for {@code Outer.Inner}).
     *
     * @return the simple name
     */
    String simpleName() {
        return simpleNames.get(simpleNames.size() - 1);
    }

    /**
     * The canonical name, e.g. {@code dev.mup.examples.mlp.Mlp} or {@code p.Outer.Inner}.
     *
     * @return the canonical name
     */
    String qualifiedName() {
        String name = String.join(".", simpleNames);
        return packageName.isEmpty() ? name : packageName + "." + name;
    }

    /**
     * The simple name of the generated class: {@code MlpMuP}, or {@code Outer_InnerMuP}.
     *
     * @return the generated class's simple name
     */
    String generatedSimpleName() {
        return String.join("_", simpleNames) + SUFFIX;
    }

    /**
     * The binary and canonical name of the generated (top-level) class.
     *
     * @return the generated class's qualified name
     */
    String generatedQualifiedName() {
        String simpleName = generatedSimpleName();
        return packageName.isEmpty() ? simpleName : packageName + "." + simpleName;
    }
}
