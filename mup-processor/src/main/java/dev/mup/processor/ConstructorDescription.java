package dev.mup.processor;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.lang.model.element.Modifier;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.type.TypeVariable;

/**
 * A non-private constructor of the model, which the generated class mirrors twice: once with the
 * default {@code MuOptions} and once with a leading {@code MuOptions} parameter.
 *
 * @param access {@link Modifier#PUBLIC} or {@link Modifier#PROTECTED}, or empty for package
 *     access; the generated constructors get the same access
 * @param typeVariables the constructor's own type parameters ({@code <T> Model(T t)}), in order
 * @param parameters the parameters, in order
 * @param thrownTypes the declared {@code throws} clause, in order
 * @param varargs whether the last parameter is variable-arity
 */
record ConstructorDescription(
        Optional<Modifier> access,
        List<TypeVariable> typeVariables,
        List<Parameter> parameters,
        List<TypeMirror> thrownTypes,
        boolean varargs) {

    /**
     * A constructor parameter.
     *
     * @param name the parameter name, as declared (javac keeps source names for sources being
     *     compiled)
     * @param type the declared type, generics included
     * @param erasure the erasure of {@code type}, for {@code {@link Model#Model(...)}} in javadoc
     */
    record Parameter(String name, TypeMirror type, TypeMirror erasure) {
        Parameter {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(erasure, "erasure");
        }
    }

    ConstructorDescription {
        Objects.requireNonNull(access, "access");
        typeVariables = List.copyOf(typeVariables);
        parameters = List.copyOf(parameters);
        thrownTypes = List.copyOf(thrownTypes);
        if (varargs && parameters.isEmpty()) {
            throw new IllegalArgumentException("a varargs constructor has parameters");
        }
    }
}
