package dev.mup.processor;

import dev.mup.annotations.MuHidden;
import dev.mup.annotations.MuInput;
import dev.mup.annotations.MuOutput;
import dev.mup.annotations.Width;
import dev.mup.processor.LayerDescription.LayerType;
import dev.mup.processor.LayerDescription.Role;
import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.annotation.processing.Messager;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.TypeParameterElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.type.TypeVariable;
import javax.lang.model.type.WildcardType;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;
import javax.tools.Diagnostic.Kind;

/**
 * Checks one model class and turns it into a {@link ModelDescription}, or reports what is wrong
 * with it. Every problem is reported as a compiler diagnostic attached to the offending element
 * (the class or the field, and the annotation when the problem is one of its values), and all the
 * problems of a model are reported, not only the first. The validator never generates anything.
 *
 * <p>Besides errors it warns about {@code Linear} fields of a model that carry no role, which
 * are usually a forgotten annotation; {@code @SuppressWarnings("mup")} on the field or the class
 * silences that warning.
 */
final class ModelValidator {

    static final String LINEAR = LayerType.LINEAR.qualifiedName();
    static final String ABSTRACT_BLOCK = "ai.djl.nn.AbstractBlock";

    /** The {@code @SuppressWarnings} key that silences the processor's warnings. */
    static final String SUPPRESS_KEY = "mup";

    private static final String EXAMPLE_WIDTH = "@Width(base = 64) final int width;";

    private final Elements elements;
    private final Types types;
    private final Messager messager;

    ModelValidator(ProcessingEnvironment env) {
        this.elements = env.getElementUtils();
        this.types = env.getTypeUtils();
        this.messager = env.getMessager();
    }

    /**
     * Names the types the model's declaration depends on that javac could not resolve yet (for
     * example classes that another annotation processor generates in a later round). A model
     * with unresolved types is validated in a later round, or reported in the last one.
     *
     * @param model the model class
     * @return the unresolved types, as written in the source; empty when all are resolved
     */
    List<String> unresolvedTypes(TypeElement model) {
        Set<String> out = new LinkedHashSet<>();
        for (TypeMirror t = model.getSuperclass(); t.getKind() != TypeKind.NONE; ) {
            if (t.getKind() == TypeKind.ERROR) {
                out.add(t.toString());
                break;
            }
            if (t.getKind() != TypeKind.DECLARED) {
                break;
            }
            t = ((TypeElement) ((DeclaredType) t).asElement()).getSuperclass();
        }
        for (VariableElement field : ElementFilter.fieldsIn(model.getEnclosedElements())) {
            if (!annotationsOf(field).isEmpty()) {
                collectErrorTypes(field.asType(), out);
            }
        }
        for (ExecutableElement constructor :
                ElementFilter.constructorsIn(model.getEnclosedElements())) {
            for (VariableElement parameter : constructor.getParameters()) {
                collectErrorTypes(parameter.asType(), out);
            }
            for (TypeMirror thrown : constructor.getThrownTypes()) {
                collectErrorTypes(thrown, out);
            }
        }
        return List.copyOf(out);
    }

    /**
     * Validates a model class: the class that declares fields annotated with {@code @Width},
     * {@code @MuInput}, {@code @MuHidden} or {@code @MuOutput}.
     *
     * @param model the model class
     * @return the description, or empty when at least one error was reported
     */
    Optional<ModelDescription> validate(TypeElement model) {
        Report report = new Report();
        String generated = generatedSimpleName(model);

        TypeElement linear = elements.getTypeElement(LINEAR);
        TypeElement abstractBlock = elements.getTypeElement(ABSTRACT_BLOCK);
        if (linear == null || abstractBlock == null) {
            report.error(
                    model,
                    String.format(
                            "%s is not on the compile classpath, but μP models are DJL blocks: add"
                                    + " the DJL API (ai.djl:api) to the dependencies of %s",
                            linear == null ? LINEAR : ABSTRACT_BLOCK,
                            model.getSimpleName()));
        }

        validateClass(model, generated, abstractBlock, report);

        List<VariableElement> fields = ElementFilter.fieldsIn(model.getEnclosedElements());
        List<String> widthNames = new ArrayList<>();
        for (VariableElement field : fields) {
            // A field that is also a layer is reported as a conflict; naming it would only add
            // errors about widths that follow from that one.
            if (annotationsOf(field).equals(List.of(Width.class))) {
                widthNames.add(field.getSimpleName().toString());
            }
        }

        List<WidthDescription> widths = new ArrayList<>();
        List<LayerDescription> layers = new ArrayList<>();
        boolean hasRoles = false;
        boolean hasOutput = false;
        for (VariableElement field : fields) {
            List<Class<? extends Annotation>> present = annotationsOf(field);
            if (present.isEmpty()) {
                if (!widthNames.isEmpty()) {
                    warnIfForgottenRole(model, field, linear);
                }
                continue;
            }
            List<Class<? extends Annotation>> roles = new ArrayList<>(present);
            boolean isWidth = roles.remove(Width.class);
            hasRoles |= !roles.isEmpty();
            hasOutput |= roles.contains(MuOutput.class);
            String name = field.getSimpleName().toString();

            if (!roles.isEmpty() && (isWidth || roles.size() > 1)) {
                // A field cannot be two things at once; any further check would only guess which
                // of them was meant, so only the access checks follow.
                report.error(field, conflictMessage(name, isWidth, roles));
                checkAccess(field, isWidth ? "@Width" : at(roles.get(0)), generated, report);
                continue;
            }
            if (isWidth) {
                validateWidth(field, generated, report).ifPresent(widths::add);
            } else {
                validateLayer(model, field, roles.get(0), widthNames, generated, report)
                        .ifPresent(layers::add);
            }
        }

        if (hasRoles && widthNames.isEmpty()) {
            report.error(
                    model,
                    String.format(
                            "%s has μP role annotations (@MuInput, @MuHidden, @MuOutput) but no"
                                    + " @Width field: declare the width its layers scale with,"
                                    + " e.g. %s",
                            model.getSimpleName(),
                            EXAMPLE_WIDTH));
        }
        if (!hasOutput) {
            report.error(
                    model,
                    String.format(
                            "%s has no @MuOutput field: μP needs the readout (the layer from the"
                                    + " last width to the outputs) to keep the logits from growing"
                                    + " with the width; annotate that Linear field with @MuOutput",
                            model.getSimpleName()));
        }

        List<ConstructorDescription> constructors = new ArrayList<>();
        for (ExecutableElement constructor :
                ElementFilter.constructorsIn(model.getEnclosedElements())) {
            if (!constructor.getModifiers().contains(Modifier.PRIVATE)) {
                constructors.add(describe(constructor));
            }
        }
        if (constructors.isEmpty() && model.getKind() == ElementKind.CLASS) {
            report.error(
                    model,
                    String.format(
                            "%s has no non-private constructor, but the generated %s must call one:"
                                    + " make a constructor package-private, protected or public",
                            model.getSimpleName(),
                            generated));
        }

        if (report.errors > 0) {
            return Optional.empty();
        }
        PackageElement pkg = elements.getPackageOf(model);
        return Optional.of(
                new ModelDescription(
                        pkg.isUnnamed() ? "" : pkg.getQualifiedName().toString(),
                        simpleNames(model),
                        model.getModifiers().contains(Modifier.PUBLIC),
                        widths,
                        layers,
                        constructors));
    }

    // ---------------------------------------------------------------------------------------
    // The class

    private void validateClass(
            TypeElement model, String generated, TypeElement abstractBlock, Report report) {
        String name = model.getSimpleName().toString();
        if (model.getKind() != ElementKind.CLASS) {
            report.error(
                    model,
                    String.format(
                            "%s is %s, but a μP model must be a class that the generated %s can"
                                    + " extend: declare the model as a class extending"
                                    + " ai.djl.nn.AbstractBlock",
                            name,
                            kindName(model.getKind()),
                            generated));
            return;
        }
        NestingKind nesting = model.getNestingKind();
        if (nesting == NestingKind.LOCAL || nesting == NestingKind.ANONYMOUS) {
            report.error(
                    model,
                    String.format(
                            "%s is a local or anonymous class, which the generated top-level %s"
                                    + " cannot extend: move the model to a top-level or static"
                                    + " nested class",
                            name.isEmpty() ? "The model" : name,
                            generated));
            return;
        }
        Set<Modifier> modifiers = model.getModifiers();
        if (nesting == NestingKind.MEMBER && !modifiers.contains(Modifier.STATIC)) {
            report.error(
                    model,
                    String.format(
                            "%s is an inner (non-static) class, which the generated top-level %s"
                                    + " cannot extend: make it a static nested class",
                            name,
                            generated));
        }
        if (modifiers.contains(Modifier.PRIVATE)) {
            report.error(
                    model,
                    String.format(
                            "%s is private, so the generated %s in the same package cannot extend"
                                    + " it: give it package, protected or public access",
                            name,
                            generated));
        }
        for (Element outer = model.getEnclosingElement();
                outer instanceof TypeElement;
                outer = outer.getEnclosingElement()) {
            if (outer.getModifiers().contains(Modifier.PRIVATE)) {
                report.error(
                        model,
                        String.format(
                                "%s is nested in the private class %s, so the generated %s cannot"
                                        + " extend it: give %s package, protected or public access",
                                name,
                                outer.getSimpleName(),
                                generated,
                                outer.getSimpleName()));
            }
        }
        if (modifiers.contains(Modifier.ABSTRACT)) {
            report.error(
                    model,
                    String.format(
                            "%s is abstract, but the generated %s is instantiated as it is: make"
                                    + " the model concrete (move the abstract part to a"
                                    + " superclass)",
                            name,
                            generated));
        }
        if (modifiers.contains(Modifier.FINAL)) {
            report.error(
                    model,
                    String.format(
                            "%s is final, but the generated %s must extend it: remove final",
                            name,
                            generated));
        }
        if (!model.getTypeParameters().isEmpty()) {
            report.error(
                    model,
                    String.format(
                            "%s has type parameters <%s>; the μP processor does not generate"
                                    + " subclasses of generic models: give the model concrete types"
                                    + " (or annotate a non-generic subclass)",
                            name,
                            model.getTypeParameters().stream()
                                    .map(TypeParameterElement::getSimpleName)
                                    .collect(Collectors.joining(", "))));
        }
        if (abstractBlock != null) {
            if (!types.isSubtype(
                    types.erasure(model.asType()), types.erasure(abstractBlock.asType()))) {
                report.error(
                        model,
                        String.format(
                                "%s does not extend ai.djl.nn.AbstractBlock, but the generated %s"
                                        + " installs μP layers among the model's children:"
                                        + " make the model extend AbstractBlock (directly or"
                                        + " through a subclass)",
                                name,
                                generated));
            } else {
                checkChildrenNotHidden(model, abstractBlock, generated, report);
            }
        }
        for (ExecutableElement method : ElementFilter.methodsIn(elements.getAllMembers(model))) {
            if (method.getSimpleName().contentEquals("muParametrization")
                    && method.getParameters().isEmpty()) {
                report.error(
                        model,
                        String.format(
                                "%s already has a method muParametrization() (in %s), but the"
                                        + " generated %s implements MuModel.muParametrization():"
                                        + " rename that method",
                                name,
                                method.getEnclosingElement().getSimpleName(),
                                generated));
            }
        }
    }

    /** The generated code uses {@code this.children}: no class below AbstractBlock may hide it. */
    private void checkChildrenNotHidden(
            TypeElement model, TypeElement abstractBlock, String generated, Report report) {
        TypeElement type = model;
        while (type != null && !type.equals(abstractBlock)) {
            for (VariableElement field : ElementFilter.fieldsIn(type.getEnclosedElements())) {
                if (field.getSimpleName().contentEquals("children")) {
                    report.error(
                            type.equals(model) ? field : model,
                            String.format(
                                    "Field 'children' of %s hides ai.djl.nn.AbstractBlock.children,"
                                            + " which the generated %s uses to install the μP"
                                            + " layers: rename the field",
                                    type.getSimpleName(),
                                    generated));
                }
            }
            TypeMirror superclass = type.getSuperclass();
            type = superclass.getKind() == TypeKind.DECLARED
                    ? (TypeElement) ((DeclaredType) superclass).asElement()
                    : null;
        }
    }

    // ---------------------------------------------------------------------------------------
    // Fields

    private Optional<WidthDescription> validateWidth(
            VariableElement field, String generated, Report report) {
        String name = field.getSimpleName().toString();
        AnnotationMirror mirror = mirror(field, Width.class);
        int errors = report.errors;
        if (field.asType().getKind() != TypeKind.INT) {
            report.error(
                    field,
                    String.format(
                            "@Width field '%s' must be an int, but it is %s: declare it as"
                                    + " @Width(base = ...) final int %s;",
                            name,
                            field.asType(),
                            name));
        }
        int base = field.getAnnotation(Width.class).base();
        if (base <= 0) {
            report.error(
                    field,
                    mirror,
                    value(mirror, "base"),
                    String.format(
                            "@Width(base = %d) on '%s' must be positive: set base to the width at"
                                    + " which the hyperparameters are tuned, e.g."
                                    + " @Width(base = 64)",
                            base,
                            name));
        }
        checkAccess(field, "@Width", generated, report);
        return report.errors == errors
                ? Optional.of(new WidthDescription(name, base))
                : Optional.empty();
    }

    private Optional<LayerDescription> validateLayer(
            TypeElement model,
            VariableElement field,
            Class<? extends Annotation> role,
            List<String> widthNames,
            String generated,
            Report report) {
        String name = field.getSimpleName().toString();
        AnnotationMirror mirror = mirror(field, role);
        int errors = report.errors;

        checkAccess(field, at(role), generated, report);
        LayerType type = checkLayerType(field, role, report);
        if (type != null && type.assigned() && field.getModifiers().contains(Modifier.FINAL)) {
            report.error(
                    field,
                    String.format(
                            "%s field '%s' must not be final: the generated constructor %s;"
                                    + " remove final",
                            at(role),
                            name,
                            whatTheConstructorAssigns(type)));
        }

        if (role == MuInput.class) {
            String declared = field.getAnnotation(MuInput.class).width();
            String width = resolveWidth(
                    model, field, mirror, "width", declared, "its output size", widthNames, report);
            return report.errors == errors && type != null && width != null
                    ? Optional.of(LayerDescription.input(name, type, width))
                    : Optional.empty();
        }
        if (role == MuHidden.class) {
            MuHidden hidden = field.getAnnotation(MuHidden.class);
            String fanIn = resolveWidth(model, field, mirror, "fanIn", hidden.fanIn(),
                    "its input size", widthNames, report);
            String fanOut = resolveWidth(model, field, mirror, "fanOut", hidden.fanOut(),
                    "its output size", widthNames, report);
            return report.errors == errors && type != null && fanIn != null && fanOut != null
                    ? Optional.of(LayerDescription.hidden(name, type, fanIn, fanOut))
                    : Optional.empty();
        }
        MuOutput output = field.getAnnotation(MuOutput.class);
        String width = resolveWidth(model, field, mirror, "width", output.width(),
                "its input size", widthNames, report);
        double multiplier = output.multiplier();
        if (!(multiplier > 0) || Double.isInfinite(multiplier)) {
            report.error(
                    field,
                    mirror,
                    value(mirror, "multiplier"),
                    String.format(
                            "@MuOutput(multiplier = %s) on '%s' must be positive and finite: use"
                                    + " the output multiplier tuned at base width (1.0 gives the"
                                    + " standard model's logits there)",
                            multiplier,
                            name));
        }
        if (type == LayerType.TIED_READOUT && output.zeroInit()) {
            report.error(
                    field,
                    mirror,
                    value(mirror, "zeroInit"),
                    String.format(
                            "@MuOutput(zeroInit = true) on '%s' would zero the input embedding: a"
                                    + " %s has no weight of its own but reuses the embedding's"
                                    + " table, so initializing the readout to zero would zero the"
                                    + " shared embedding too; remove zeroInit (or untie the"
                                    + " readout: a Linear readout may start at zero)",
                            name,
                            type.qualifiedName()));
        }
        return report.errors == errors && type != null && width != null
                ? Optional.of(
                        LayerDescription.output(
                                name, type, width, multiplier, output.zeroInit()))
                : Optional.empty();
    }

    private void checkAccess(
            VariableElement field, String annotation, String generated, Report report) {
        String name = field.getSimpleName().toString();
        if (field.getModifiers().contains(Modifier.PRIVATE)) {
            report.error(
                    field,
                    String.format(
                            "%s field '%s' must not be private: the generated subclass %s reads it;"
                                    + " make it package-private, protected or public",
                            annotation,
                            name,
                            generated));
        }
        if (field.getModifiers().contains(Modifier.STATIC)) {
            report.error(
                    field,
                    String.format(
                            "%s field '%s' must not be static: μP parametrizes each model instance"
                                    + " with its own %s; make it an instance field",
                            annotation,
                            name,
                            annotation.equals("@Width") ? "widths" : "layers"));
        }
    }

    /**
     * Checks that a role field is declared with a type its role supports (and, for a type whose
     * value the generated constructor assigns, declared as exactly that type).
     *
     * @return the supported type the field holds, or {@code null} when it holds none (reported)
     *     or its type does not resolve (javac reports it)
     */
    private LayerType checkLayerType(
            VariableElement field, Class<? extends Annotation> role, Report report) {
        TypeMirror type = field.asType();
        if (type.getKind() == TypeKind.ERROR) {
            return null; // javac reports the missing type itself
        }
        String name = field.getSimpleName().toString();
        List<LayerType> supported = roleOf(role).supported();
        for (LayerType candidate : supported) {
            TypeElement element = elements.getTypeElement(candidate.qualifiedName());
            if (element == null || !isAssignable(type, element)) {
                continue;
            }
            if (candidate.assigned()
                    && !types.isSameType(types.erasure(type), types.erasure(element.asType()))) {
                report.error(
                        field,
                        String.format(
                                "%s field '%s' must be declared as %s, not %s: the generated"
                                        + " constructor %s; declare it as %s",
                                at(role),
                                name,
                                candidate.qualifiedName(),
                                type,
                                candidate == LayerType.LINEAR
                                        ? "installs a μP Linear in place of the layer (what the"
                                                + " subclass adds would be lost) and assigns it to"
                                                + " the field"
                                        : whatTheConstructorAssigns(candidate),
                                candidate.simpleName()));
            }
            return candidate;
        }
        // A type of the runtime that is not on the compile classpath is not supported, and not
        // offered either; the DJL types are named even then (the model needs DJL anyway).
        List<LayerType> offered = new ArrayList<>();
        List<String> subclassable = new ArrayList<>();
        for (LayerType candidate : supported) {
            if (!candidate.runtime() || elements.getTypeElement(candidate.qualifiedName()) != null) {
                offered.add(candidate);
                if (!candidate.assigned()) {
                    subclassable.add(candidate.simpleName());
                }
            }
        }
        report.error(
                field,
                String.format(
                        "%s field '%s' has type %s, which μP does not support: %s needs an %s%s;"
                                + " declare the field with a supported layer or block type",
                        at(role),
                        name,
                        type,
                        at(role),
                        joinAlternatives(offered.stream().map(LayerType::qualifiedName).toList()),
                        subclassable.isEmpty()
                                ? ""
                                : " (or a subclass of " + joinAlternatives(subclassable) + ")"));
        return null;
    }

    /** What the generated constructor does with a field of a type it assigns, for messages. */
    private static String whatTheConstructorAssigns(LayerType type) {
        switch (type) {
            case LINEAR:
                return "installs a μP Linear in place of the layer and assigns it to the field";
            case ATTENTION:
                return "assigns to the field the μP block that MuModelBuilder returns for it (the"
                        + " same MuAttention, with its projections and logit scale parametrized)";
            case TIED_READOUT:
                return "assigns to the field the μP block that MuModelBuilder returns for it (the"
                        + " same MuTiedReadout, with its logit multiplier set)";
            default:
                throw new AssertionError(type + " is not assigned");
        }
    }

    /** {@code a}, {@code a or b}, {@code a, b or c}. */
    private static String joinAlternatives(List<String> items) {
        if (items.size() <= 1) {
            return String.join("", items);
        }
        return String.join(", ", items.subList(0, items.size() - 1))
                + " or " + items.get(items.size() - 1);
    }

    private static Role roleOf(Class<? extends Annotation> role) {
        if (role == MuInput.class) {
            return Role.INPUT;
        }
        if (role == MuHidden.class) {
            return Role.HIDDEN;
        }
        if (role == MuOutput.class) {
            return Role.OUTPUT;
        }
        throw new IllegalArgumentException(role + " is not a role annotation");
    }

    /**
     * Resolves the width named by a role attribute; an empty name means the model's only width.
     *
     * @return the width's field name, or {@code null} after reporting an error
     */
    private String resolveWidth(
            TypeElement model,
            VariableElement field,
            AnnotationMirror mirror,
            String attribute,
            String widthName,
            String what,
            List<String> widthNames,
            Report report) {
        String annotation = "@" + mirror.getAnnotationType().asElement().getSimpleName();
        if (widthName.isEmpty()) {
            if (widthNames.size() == 1) {
                return widthNames.get(0);
            }
            if (widthNames.size() > 1) {
                report.error(
                        field,
                        mirror,
                        String.format(
                                "%s(%s) of '%s' is empty, but %s declares %d widths (%s): set %s to"
                                        + " the width %s scales with, e.g. %s(%s = \"%s\")",
                                annotation,
                                attribute,
                                field.getSimpleName(),
                                model.getSimpleName(),
                                widthNames.size(),
                                String.join(", ", widthNames),
                                attribute,
                                what,
                                annotation,
                                attribute,
                                widthNames.get(0)));
            }
            // No width at all: reported once, on the class, and the model is not generated.
            return null;
        }
        if (widthNames.contains(widthName)) {
            return widthName;
        }
        report.error(
                field,
                mirror,
                value(mirror, attribute),
                String.format(
                        "%s(%s = \"%s\") on '%s' names no @Width field of %s; known widths: %s."
                                + " Set %s to one of them, or annotate the field '%s' with @Width",
                        annotation,
                        attribute,
                        widthName,
                        field.getSimpleName(),
                        model.getSimpleName(),
                        widthNames.isEmpty() ? "none" : String.join(", ", widthNames),
                        attribute,
                        widthName));
        return null;
    }

    private void warnIfForgottenRole(TypeElement model, VariableElement field, TypeElement linear) {
        if (linear == null
                || field.getModifiers().contains(Modifier.STATIC)
                || field.asType().getKind() == TypeKind.ERROR
                || !isAssignable(field.asType(), linear)
                || isSuppressed(field)) {
            return;
        }
        messager.printMessage(
                Kind.WARNING,
                String.format(
                        "Linear field '%s' of %s has no μP role (likely forgotten role): annotate"
                                + " it with @MuInput, @MuHidden or @MuOutput, or, if none of its"
                                + " sizes grows with the width, add @SuppressWarnings(\"%s\")",
                        field.getSimpleName(),
                        model.getSimpleName(),
                        SUPPRESS_KEY),
                field);
    }

    private static boolean isSuppressed(Element element) {
        for (Element e = element;
                e != null && e.getKind() != ElementKind.PACKAGE;
                e = e.getEnclosingElement()) {
            SuppressWarnings suppress = e.getAnnotation(SuppressWarnings.class);
            if (suppress != null && List.of(suppress.value()).contains(SUPPRESS_KEY)) {
                return true;
            }
        }
        return false;
    }

    private static String conflictMessage(
            String name, boolean isWidth, List<Class<? extends Annotation>> roles) {
        if (isWidth) {
            return String.format(
                    "'%s' has both @Width and %s: @Width marks an int width, role annotations mark"
                            + " layers, and a field cannot be both; remove one of them",
                    name,
                    roles.stream().map(ModelValidator::at).collect(Collectors.joining(" and ")));
        }
        return String.format(
                "'%s' has %s, but a layer has exactly one μP role: keep only the one that fits"
                        + " (@MuInput: only the output size is a width; @MuHidden: both are;"
                        + " @MuOutput: the readout)",
                name,
                roles.stream().map(ModelValidator::at).collect(Collectors.joining(" and ")));
    }

    // ---------------------------------------------------------------------------------------
    // Constructors

    private ConstructorDescription describe(ExecutableElement constructor) {
        Set<Modifier> modifiers = constructor.getModifiers();
        Optional<Modifier> access = Optional.empty();
        if (modifiers.contains(Modifier.PUBLIC)) {
            access = Optional.of(Modifier.PUBLIC);
        } else if (modifiers.contains(Modifier.PROTECTED)) {
            access = Optional.of(Modifier.PROTECTED);
        }
        List<TypeVariable> typeVariables = new ArrayList<>();
        for (TypeParameterElement parameter : constructor.getTypeParameters()) {
            typeVariables.add((TypeVariable) parameter.asType());
        }
        List<ConstructorDescription.Parameter> parameters = new ArrayList<>();
        for (VariableElement parameter : constructor.getParameters()) {
            parameters.add(
                    new ConstructorDescription.Parameter(
                            parameter.getSimpleName().toString(),
                            parameter.asType(),
                            types.erasure(parameter.asType())));
        }
        return new ConstructorDescription(
                access,
                typeVariables,
                parameters,
                new ArrayList<>(constructor.getThrownTypes()),
                constructor.isVarArgs());
    }

    // ---------------------------------------------------------------------------------------
    // Helpers

    private boolean isAssignable(TypeMirror type, TypeElement target) {
        return types.isAssignable(types.erasure(type), types.erasure(target.asType()));
    }

    /** The μP annotations on a field, in the order Width, MuInput, MuHidden, MuOutput. */
    private static List<Class<? extends Annotation>> annotationsOf(Element field) {
        List<Class<? extends Annotation>> out = new ArrayList<>();
        for (Class<? extends Annotation> type :
                List.of(Width.class, MuInput.class, MuHidden.class, MuOutput.class)) {
            if (field.getAnnotation(type) != null) {
                out.add(type);
            }
        }
        return out;
    }

    private static AnnotationMirror mirror(Element element, Class<? extends Annotation> type) {
        for (AnnotationMirror mirror : element.getAnnotationMirrors()) {
            TypeElement annotation = (TypeElement) mirror.getAnnotationType().asElement();
            if (annotation.getQualifiedName().contentEquals(type.getCanonicalName())) {
                return mirror;
            }
        }
        throw new IllegalStateException(element + " has no @" + type.getSimpleName());
    }

    /** The value of an attribute written in the source, or {@code null} for a default value. */
    private static AnnotationValue value(AnnotationMirror mirror, String attribute) {
        for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> e :
                mirror.getElementValues().entrySet()) {
            if (e.getKey().getSimpleName().contentEquals(attribute)) {
                return e.getValue();
            }
        }
        return null;
    }

    private static String at(Class<? extends Annotation> annotation) {
        return "@" + annotation.getSimpleName();
    }

    private static String kindName(ElementKind kind) {
        switch (kind) {
            case ENUM:
                return "an enum";
            case INTERFACE:
                return "an interface";
            case ANNOTATION_TYPE:
                return "an annotation type";
            case RECORD:
                return "a record";
            default:
                return "a " + kind.name().toLowerCase(Locale.ROOT);
        }
    }

    static String generatedSimpleName(TypeElement model) {
        return String.join("_", simpleNames(model)) + ModelDescription.SUFFIX;
    }

    private static List<String> simpleNames(TypeElement model) {
        List<String> names = new ArrayList<>();
        for (Element e = model; e instanceof TypeElement; e = e.getEnclosingElement()) {
            names.add(0, e.getSimpleName().toString());
        }
        return names;
    }

    private static void collectErrorTypes(TypeMirror type, Set<String> out) {
        switch (type.getKind()) {
            case ERROR:
                out.add(type.toString());
                break;
            case DECLARED:
                for (TypeMirror argument : ((DeclaredType) type).getTypeArguments()) {
                    collectErrorTypes(argument, out);
                }
                break;
            case ARRAY:
                collectErrorTypes(((ArrayType) type).getComponentType(), out);
                break;
            case WILDCARD:
                WildcardType wildcard = (WildcardType) type;
                if (wildcard.getExtendsBound() != null) {
                    collectErrorTypes(wildcard.getExtendsBound(), out);
                }
                if (wildcard.getSuperBound() != null) {
                    collectErrorTypes(wildcard.getSuperBound(), out);
                }
                break;
            default:
                break;
        }
    }

    /** Counts the errors reported for one model. */
    private final class Report {
        int errors;

        void error(Element element, String message) {
            errors++;
            messager.printMessage(Kind.ERROR, message, element);
        }

        void error(Element element, AnnotationMirror mirror, String message) {
            errors++;
            messager.printMessage(Kind.ERROR, message, element, mirror);
        }

        void error(
                Element element, AnnotationMirror mirror, AnnotationValue value, String message) {
            errors++;
            if (value == null) {
                messager.printMessage(Kind.ERROR, message, element, mirror);
            } else {
                messager.printMessage(Kind.ERROR, message, element, mirror, value);
            }
        }
    }
}
