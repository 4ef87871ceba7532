package dev.mup.processor;

import java.util.List;
import java.util.Objects;

/**
 * Everything the generator needs to know about one valid model class; produced by {@link
 * ModelValidator} only when the model has no errors.
 *
 * <p>A static nested model {@code Outer.Inner} is generated as the top-level class {@code
 * Outer_InnerMuP} in the same package (the names of the enclosing classes joined with {@code _},
 * as AutoValue does), so that two nested models named {@code Inner} in different classes do not
 * collide.
 *
 * @param packageName the model's package; empty for the unnamed package
 * @param simpleNames the simple names from the outermost enclosing class down to the model
 * @param isPublic whether the model is public; the generated class then is too, otherwise it has
 *     package access
 * @param widths the {@code @Width} fields, in declaration order; at least one
 * @param layers the role fields, in declaration order; at least one readout
 * @param constructors the non-private constructors, in declaration order; at least one
 */
record ModelDescription(
        String packageName,
        List<String> simpleNames,
        boolean isPublic,
        List<WidthDescription> widths,
        List<LayerDescription> layers,
        List<ConstructorDescription> constructors) {

    /** Appended to the model's name to name the generated class. */
    static final String SUFFIX = "MuP";

    ModelDescription {
        Objects.requireNonNull(packageName, "packageName");
        simpleNames = List.copyOf(simpleNames);
        widths = List.copyOf(widths);
        layers = List.copyOf(layers);
        constructors = List.copyOf(constructors);
        if (simpleNames.isEmpty()) {
            throw new IllegalArgumentException("a model has a name");
        }
    }

    /**
     * The model's own simple name ({@code Inner} for {@code Outer.Inner}).
     *
     * @return the simple name
     */
    String simpleName() {
        return simpleNames.get(simpleNames.size() - 1);
    }

    /**
     * The model's canonical name, e.g. {@code dev.mup.examples.mlp.Mlp} or {@code p.Outer.Inner}.
     *
     * @return the canonical name
     */
    String qualifiedName() {
        String name = String.join(".", simpleNames);
        return packageName.isEmpty() ? name : packageName + "." + name;
    }

    /**
     * The simple name of the generated class: {@code MlpMuP}, or {@code Outer_InnerMuP} for a
     * nested model.
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
