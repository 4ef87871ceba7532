package dev.mup.processor;

import java.util.List;
import java.util.Objects;

/**
 * Everything the generator needs to know about one valid model class; produced by {@link
 * ModelValidator} only when the model has no errors.
 *
 * <p>A static nested model {@code Outer.Inner} is generated as the top-level class {@code
 * Outer_InnerMuP} in the same package (see {@link ClassReference}).
 *
 * @param packageName the model's package; empty for the unnamed package
 * @param simpleNames the simple names from the outermost enclosing class down to the model
 * @param isPublic whether the model is public; the generated class then is too, otherwise it has
 *     package access
 * @param widths the {@code @Width} fields, in declaration order; at least one
 * @param declarations the role fields and the fields holding {@code @MuBlock} blocks, in
 *     declaration order; at least one readout among them
 * @param constructors the non-private constructors, in declaration order; at least one
 */
record ModelDescription(
        String packageName,
        List<String> simpleNames,
        boolean isPublic,
        List<WidthDescription> widths,
        List<Declaration> declarations,
        List<ConstructorDescription> constructors) {

    ModelDescription {
        Objects.requireNonNull(packageName, "packageName");
        simpleNames = List.copyOf(simpleNames);
        widths = List.copyOf(widths);
        declarations = List.copyOf(declarations);
        constructors = List.copyOf(constructors);
        if (simpleNames.isEmpty()) {
            throw new IllegalArgumentException("a model has a name");
        }
    }

    /**
     * The model class by name.
     *
     * @return the model's reference
     */
    ClassReference reference() {
        return new ClassReference(packageName, simpleNames);
    }

    /**
     * The model's own simple name ({@code Inner} for {@code Outer.Inner}).
     *
     * @return the simple name
     */
    String simpleName() {
        return reference().simpleName();
    }

    /**
     * The model's canonical name, e.g. {@code dev.mup.examples.mlp.Mlp} or {@code p.Outer.Inner}.
     *
     * @return the canonical name
     */
    String qualifiedName() {
        return reference().qualifiedName();
    }

    /**
     * The simple name of the generated class: {@code MlpMuP}, or {@code Outer_InnerMuP} for a
     * nested model.
     *
     * @return the generated class's simple name
     */
    String generatedSimpleName() {
        return reference().generatedSimpleName();
    }

    /**
     * The binary and canonical name of the generated (top-level) class.
     *
     * @return the generated class's qualified name
     */
    String generatedQualifiedName() {
        return reference().generatedQualifiedName();
    }
}
