package dev.mup.processor;

import static dev.mup.processor.FieldChecks.annotationsOf;
import static dev.mup.processor.FieldChecks.at;
import static dev.mup.processor.FieldChecks.kindName;
import static dev.mup.processor.FieldChecks.mirror;
import static dev.mup.processor.FieldChecks.value;

import dev.mup.annotations.Depth;
import dev.mup.annotations.MuOutput;
import dev.mup.annotations.MuUnscaled;
import dev.mup.annotations.Width;
import dev.mup.processor.BlockValidator.WidthUse;
import dev.mup.processor.FieldChecks.BlockFieldType;
import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.annotation.processing.Messager;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.TypeParameterElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.type.TypeVariable;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Checks one model class and turns it into a {@link ModelDescription}, or reports what is wrong
 * with it. Every problem is reported as a compiler diagnostic attached to the offending element
 * (the class or the field, and the annotation when the problem is one of its values), and all the
 * problems of a model are reported, not only the first. The validator never generates anything.
 *
 * <p>A model's fields are its widths, its role fields (checked by {@link FieldChecks}, as in
 * blocks) and, without annotation, its fields holding {@code @MuBlock} blocks: each block class
 * must be usable (valid, and generated), and every width its layers name, nested blocks
 * included, must be a {@code @Width} field of the model.
 *
 * <p>Besides errors it warns about fields of a model holding a DJL block with parameters ({@code
 * Linear}, {@code MuAttention}, {@code MuTiedReadout}, a {@code SequentialBlock}, a custom
 * block, ...) that carry no role and are no {@code @MuBlock}, which are usually a forgotten
 * annotation (a field kept out of μP on purpose carries {@code @MuUnscaled}), and about a second
 * {@code @MuOutput}; {@code @SuppressWarnings("mup")} on the field or the class silences them.
 */
final class ModelValidator {

    private static final String EXAMPLE_WIDTH = "@Width(base = 64) final int width;";

    private final Elements elements;
    private final Types types;
    private final Messager messager;
    private final FieldChecks checks;
    private final BlockValidator blocks;

    ModelValidator(ProcessingEnvironment env, FieldChecks checks, BlockValidator blocks) {
        this.elements = env.getElementUtils();
        this.types = env.getTypeUtils();
        this.messager = env.getMessager();
        this.checks = checks;
        this.blocks = blocks;
    }

    /**
     * Validates a model class: the class that declares fields annotated with {@code @Width},
     * {@code @MuInput}, {@code @MuHidden} or {@code @MuOutput}.
     *
     * @param model the model class
     * @param lookup the status of the block classes its fields hold
     * @return the description, or empty when at least one error was reported
     */
    Optional<ModelDescription> validate(TypeElement model, BlockLookup lookup) {
        Report report = new Report(messager);
        String generated = generatedSimpleName(model);
        String reader = "the generated subclass " + generated;

        TypeElement linear = elements.getTypeElement(FieldChecks.LINEAR);
        TypeElement abstractBlock = elements.getTypeElement(FieldChecks.ABSTRACT_BLOCK);
        if (linear == null || abstractBlock == null) {
            report.error(
                    model,
                    String.format(
                            "%s is not on the compile classpath, but μP models are DJL blocks: add"
                                    + " the DJL API (ai.djl:api) to the dependencies of %s",
                            linear == null ? FieldChecks.LINEAR : FieldChecks.ABSTRACT_BLOCK,
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
        FieldChecks.WidthScope scope = FieldChecks.modelWidths(model, widthNames);

        Map<String, Integer> depth = depthOf(fields, report);
        List<WidthDescription> widths = new ArrayList<>();
        List<Declaration> declarations = new ArrayList<>();
        boolean hasRoles = false;
        boolean hasOutput = false;
        VariableElement firstOutput = null;
        for (VariableElement field : fields) {
            if (field.getAnnotation(MuUnscaled.class) != null) {
                hasRoles = true;
                checks.validateUnscaled(field, reader, "model", report).ifPresent(declarations::add);
                continue;
            }
            List<Class<? extends Annotation>> present = annotationsOf(field);
            if (present.isEmpty()) {
                Optional<BlockFieldType> blockType = checks.blockFieldType(field.asType());
                if (blockType.isEmpty() && field.getModifiers().contains(Modifier.STATIC)) {
                    continue;
                }
                if (blockType.isPresent()) {
                    hasRoles = true;
                    int errors = report.errors();
                    Optional<BlockFieldDescription> description = checks.validateBlockField(
                            field, blockType.get(), reader, "model", generated, lookup, report);
                    if (!widthNames.isEmpty()) {
                        checkBlockWidths(model, field, blockType.get().block(), widthNames, report);
                    }
                    if (report.errors() == errors) {
                        description
                                .map(d -> depth.containsKey(d.fieldName())
                                        ? d.withDepthBase(depth.get(d.fieldName()))
                                        : d)
                                .ifPresent(declarations::add);
                    }
                } else if (checks.isRawList(field.asType())) {
                    FieldChecks.reportRawList(field, model, report);
                } else if (!widthNames.isEmpty()) {
                    checks.warnIfForgottenRole(model, field, false, report);
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
                report.error(field, FieldChecks.conflictMessage(name, isWidth, roles));
                String annotation = isWidth ? "@Width" : at(roles.get(0));
                checks.checkAccess(
                        field,
                        annotation + " field '" + name + "'",
                        reader,
                        "model",
                        isWidth ? "widths" : "layers",
                        report);
                continue;
            }
            if (roles.contains(MuOutput.class)) {
                if (firstOutput == null) {
                    firstOutput = field;
                } else {
                    warnSecondReadout(model, firstOutput, field, report);
                }
            }
            if (isWidth) {
                validateWidth(field, reader, report).ifPresent(widths::add);
            } else {
                checks.validateLayer(field, roles.get(0), scope, reader, "model", report)
                        .ifPresent(declarations::add);
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

        if (report.errors() > 0) {
            return Optional.empty();
        }
        ClassReference reference = checks.reference(model);
        return Optional.of(
                new ModelDescription(
                        reference.packageName(),
                        reference.simpleNames(),
                        model.getModifiers().contains(Modifier.PUBLIC),
                        widths,
                        declarations,
                        constructors));
    }

    /**
     * Warns about a second (third, ...) {@code @MuOutput} field: usually a hidden layer given the
     * readout's role by mistake, although multi-head readouts are legitimate, which {@code
     * @SuppressWarnings("mup")} on the field or the class says.
     */
    private static void warnSecondReadout(
            TypeElement model, VariableElement first, VariableElement field, Report report) {
        if (FieldChecks.isSuppressed(field)) {
            return;
        }
        report.warning(
                field,
                String.format(
                        "'%s' is a second @MuOutput field of %s (the first is '%s'): μP treats"
                                + " every @MuOutput as a readout (output multiplier, zero-able"
                                + " weight, fan_in-only scaling). If %s has several output heads"
                                + " on purpose, add @SuppressWarnings(\"%s\"); otherwise give"
                                + " '%s' the role that fits (@MuHidden when both its sizes grow"
                                + " with the width, @MuInput when only its output size does)",
                        field.getSimpleName(),
                        model.getSimpleName(),
                        first.getSimpleName(),
                        model.getSimpleName(),
                        FieldChecks.SUPPRESS_KEY,
                        field.getSimpleName()));
    }

    /**
     * Checks that the model declares every width the layers of a block name, nested blocks
     * included: one error per missing width, on the model's field holding the block.
     */
    private void checkBlockWidths(
            TypeElement model,
            VariableElement field,
            TypeElement block,
            List<String> widthNames,
            Report report) {
        Map<String, List<WidthUse>> missing = new LinkedHashMap<>();
        for (WidthUse use : blocks.widthUses(block)) {
            if (!widthNames.contains(use.width())) {
                missing.computeIfAbsent(use.width(), w -> new ArrayList<>()).add(use);
            }
        }
        missing.forEach((width, uses) -> {
            Optional<String> meant = FieldChecks.didYouMean(width, widthNames);
            String advice = meant.isPresent()
                    ? String.format(
                            " Did you mean '%s'? Name '%s' in %s", meant.get(), meant.get(),
                            block.getSimpleName())
                    : String.format(
                            " Declare @Width(base = ...) int %s in %s, or name one of its widths"
                                    + " in %s",
                            width,
                            model.getSimpleName(),
                            block.getSimpleName());
            report.error(
                    field,
                    String.format(
                            "'%s' holds %s, whose layers name width '%s' (%s), but %s has no"
                                    + " @Width field '%s'; known widths: %s.%s",
                            field.getSimpleName(),
                            block.getSimpleName(),
                            width,
                            uses.stream().map(WidthUse::describe).collect(Collectors.joining(", ")),
                            model.getSimpleName(),
                            width,
                            String.join(", ", widthNames),
                            advice));
        });
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
            boolean checkpointMethod = method.getSimpleName().contentEquals("saveParameters")
                    && method.getParameters().size() == 1
                    || method.getSimpleName().contentEquals("loadParameters")
                    && method.getParameters().size() == 2;
            if (checkpointMethod && method.getModifiers().contains(Modifier.FINAL)) {
                report.error(
                        model,
                        String.format(
                                "%s.%s is final, but the generated %s overrides it so that a"
                                        + " checkpoint carries the μP parametrization: remove final",
                                method.getEnclosingElement().getSimpleName(),
                                method.getSimpleName(),
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

    /**
     * The model's {@code @Depth} field and its base, checking that it is one list or array of
     * {@code @MuBlock} blocks with a positive base; errors go on the annotation.
     *
     * @return the field name and base, or an empty map when there is none (or it is wrong)
     */
    private Map<String, Integer> depthOf(List<VariableElement> fields, Report report) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (VariableElement field : fields) {
            Depth depth = field.getAnnotation(Depth.class);
            if (depth == null) {
                continue;
            }
            String name = field.getSimpleName().toString();
            AnnotationMirror mirror = mirror(field, Depth.class);
            Optional<BlockFieldType> type = checks.blockFieldType(field.asType());
            if (!annotationsOf(field).isEmpty()
                    || type.isEmpty()
                    || type.get().shape() == BlockFieldDescription.Shape.SINGLE) {
                report.error(field, mirror, String.format(
                        "@Depth on '%s': the depth of a model is the number of its repeated"
                                + " residual blocks, so @Depth goes on a List or array of a @MuBlock"
                                + " class (and on nothing else), e.g. @Depth(base = 2) final"
                                + " List<GptBlock> blocks;",
                        name));
                continue;
            }
            if (depth.base() <= 0) {
                report.error(field, mirror, String.format(
                        "@Depth(base = %d) on '%s': the base depth is the number of blocks at which"
                                + " hyperparameters are tuned and must be positive",
                        depth.base(), name));
                continue;
            }
            if (!out.isEmpty()) {
                report.error(field, mirror, String.format(
                        "@Depth on '%s', but '%s' already declares the depth of %s: a model has one"
                                + " depth; remove one of the annotations",
                        name, out.keySet().iterator().next(), field.getEnclosingElement().getSimpleName()));
                continue;
            }
            out.put(name, depth.base());
        }
        return out;
    }

    private Optional<WidthDescription> validateWidth(
            VariableElement field, String reader, Report report) {
        String name = field.getSimpleName().toString();
        AnnotationMirror mirror = mirror(field, Width.class);
        int errors = report.errors();
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
        checks.checkAccess(field, "@Width field '" + name + "'", reader, "model", "widths", report);
        return report.errors() == errors
                ? Optional.of(new WidthDescription(name, base))
                : Optional.empty();
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
    // Names

    static String generatedSimpleName(TypeElement model) {
        return String.join("_", FieldChecks.simpleNames(model)) + ClassReference.SUFFIX;
    }
}
