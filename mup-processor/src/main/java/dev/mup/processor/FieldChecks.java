package dev.mup.processor;

import dev.mup.annotations.MuBlock;
import dev.mup.annotations.MuHidden;
import dev.mup.annotations.MuInput;
import dev.mup.annotations.MuOutput;
import dev.mup.annotations.MuUnscaled;
import dev.mup.annotations.Width;
import dev.mup.processor.LayerDescription.LayerType;
import dev.mup.processor.LayerDescription.Role;
import java.lang.annotation.Annotation;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.type.WildcardType;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * The checks that models ({@link ModelValidator}) and {@code @MuBlock} classes ({@link
 * BlockValidator}) share: role fields, fields holding blocks, the warning about layers without a
 * role, and the reading of annotations. The owner of a field is the model or block class
 * declaring it; messages name the owner and the class generated for it.
 */
final class FieldChecks {

    static final String LINEAR = LayerType.LINEAR.qualifiedName();
    static final String ABSTRACT_BLOCK = "ai.djl.nn.AbstractBlock";
    static final String LIST = "java.util.List";

    /** The {@code @SuppressWarnings} key that silences the processor's warnings. */
    static final String SUPPRESS_KEY = "mup";

    private final Elements elements;
    private final Types types;

    FieldChecks(ProcessingEnvironment env) {
        this.elements = env.getElementUtils();
        this.types = env.getTypeUtils();
    }

    /**
     * How the role annotations of an owner name widths, resolved to the width names the
     * generated code passes to the builder.
     */
    @FunctionalInterface
    interface WidthScope {

        /**
         * Resolves the width named by a role attribute.
         *
         * @param field the role field
         * @param mirror its role annotation
         * @param attribute the attribute naming the width, e.g. {@code fanIn}
         * @param widthName the attribute's value; may be empty
         * @param what what scales with the width, for messages, e.g. {@code its input size}
         * @param report where errors go
         * @return the width's name, or {@code null} after reporting an error
         */
        String resolve(
                VariableElement field,
                AnnotationMirror mirror,
                String attribute,
                String widthName,
                String what,
                Report report);
    }

    /**
     * The widths of a model: its {@code @Width} fields; an empty name means the only one.
     *
     * @param model the model
     * @param widthNames the names of its {@code @Width} fields
     * @return the scope
     */
    static WidthScope modelWidths(TypeElement model, List<String> widthNames) {
        return (field, mirror, attribute, widthName, what, report) -> {
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
                                    "%s(%s) of '%s' is empty, but %s declares %d widths (%s): set"
                                            + " %s to the width %s scales with, e.g. %s(%s = \"%s\")",
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
            Optional<String> meant = didYouMean(widthName, widthNames);
            String advice = meant.isPresent()
                    ? String.format(
                            " Did you mean '%s'? Set %s = \"%s\"", meant.get(), attribute, meant.get())
                    : String.format(
                            " Set %s to one of them, or annotate the field '%s' with @Width",
                            attribute,
                            widthName);
            report.error(
                    field,
                    mirror,
                    value(mirror, attribute),
                    String.format(
                            "%s(%s = \"%s\") on '%s' names no @Width field of %s; known widths: %s.%s",
                            annotation,
                            attribute,
                            widthName,
                            field.getSimpleName(),
                            model.getSimpleName(),
                            widthNames.isEmpty() ? "none" : String.join(", ", widthNames),
                            advice));
            return null;
        };
    }

    /**
     * The widths of the models using a block: any name, checked against each model that uses
     * the block; an empty name cannot be resolved, since the block does not know how many widths
     * its models have.
     *
     * @param block the {@code @MuBlock} class
     * @return the scope
     */
    static WidthScope blockWidths(TypeElement block) {
        return (field, mirror, attribute, widthName, what, report) -> {
            if (!widthName.isEmpty()) {
                return widthName;
            }
            String annotation = "@" + mirror.getAnnotationType().asElement().getSimpleName();
            report.error(
                    field,
                    mirror,
                    String.format(
                            "%s(%s) of '%s' is empty, but in the @MuBlock class %s every role names"
                                    + " its widths: they are the widths of the models using the"
                                    + " block; set %s to the model's width %s scales with, e.g."
                                    + " %s(%s = \"dModel\")",
                            annotation,
                            attribute,
                            field.getSimpleName(),
                            block.getSimpleName(),
                            attribute,
                            what,
                            annotation,
                            attribute));
            return null;
        };
    }

    // ---------------------------------------------------------------------------------------
    // Role fields

    /**
     * Validates a role field with {@code @MuInput}, {@code @MuHidden} or {@code @MuOutput}.
     *
     * @param field the field
     * @param role its one role annotation
     * @param widths how its annotation names widths
     * @param reader the generated class reading the field, for messages, e.g. {@code the
     *     generated subclass MlpMuP}
     * @param ownerKind {@code model} or {@code block}, for messages
     * @param report where errors go
     * @return the description, or empty after reporting an error
     */
    Optional<LayerDescription> validateLayer(
            VariableElement field,
            Class<? extends Annotation> role,
            WidthScope widths,
            String reader,
            String ownerKind,
            Report report) {
        String name = field.getSimpleName().toString();
        AnnotationMirror mirror = mirror(field, role);
        int errors = report.errors();

        checkAccess(field, at(role) + " field '" + name + "'", reader, ownerKind, "layers", report);
        LayerType type = checkLayerType(field, role, ownerKind, report);
        if (type != null && type.assigned() && field.getModifiers().contains(Modifier.FINAL)) {
            report.error(
                    field,
                    String.format(
                            "%s field '%s' must not be final: the generated %s %s;"
                                    + " remove final",
                            at(role),
                            name,
                            ownerKind.equals("model") ? "constructor" : "code",
                            whatTheGeneratedCodeAssigns(type)));
        }

        if (role == MuInput.class) {
            if (type == LayerType.LAYER_NORM) {
                warnIfAllAxesLayerNorm(field, report);
            }
            String declared = field.getAnnotation(MuInput.class).width();
            String width = widths.resolve(
                    field, mirror, "width", declared, "its output size", report);
            return report.errors() == errors && type != null && width != null
                    ? Optional.of(LayerDescription.input(name, type, width))
                    : Optional.empty();
        }
        if (role == MuHidden.class) {
            MuHidden hidden = field.getAnnotation(MuHidden.class);
            String fanIn = widths.resolve(
                    field, mirror, "fanIn", hidden.fanIn(), "its input size", report);
            String fanOut = widths.resolve(
                    field, mirror, "fanOut", hidden.fanOut(), "its output size", report);
            if (type == LayerType.ATTENTION
                    && fanIn != null
                    && fanOut != null
                    && !fanIn.equals(fanOut)) {
                report.error(
                        field,
                        mirror,
                        String.format(
                                "@MuHidden(fanIn = \"%s\", fanOut = \"%s\") on the MuAttention"
                                        + " field '%s' names two widths, but attention maps the"
                                        + " model dimension to itself: use the same width for"
                                        + " fanIn and fanOut",
                                fanIn,
                                fanOut,
                                name));
            }
            return report.errors() == errors && type != null && fanIn != null && fanOut != null
                    ? Optional.of(LayerDescription.hidden(name, type, fanIn, fanOut))
                    : Optional.empty();
        }
        MuOutput output = field.getAnnotation(MuOutput.class);
        String width = widths.resolve(
                field, mirror, "width", output.width(), "its input size", report);
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
        return report.errors() == errors && type != null && width != null
                ? Optional.of(
                        LayerDescription.output(
                                name, type, width, multiplier, output.zeroInit()))
                : Optional.empty();
    }

    /**
     * Checks that the generated code can read a field of each instance: not private, not static.
     *
     * @param field the field
     * @param what the field, for messages, e.g. {@code @MuInput field 'input'}
     * @param reader the generated class reading it, e.g. {@code the generated subclass MlpMuP}
     * @param ownerKind {@code model} or {@code block}
     * @param things what the field holds, in the plural: {@code widths}, {@code layers}, ...
     * @param report where errors go
     */
    void checkAccess(
            VariableElement field,
            String what,
            String reader,
            String ownerKind,
            String things,
            Report report) {
        if (field.getModifiers().contains(Modifier.PRIVATE)) {
            report.error(
                    field,
                    String.format(
                            "%s must not be private: %s reads it; make it package-private,"
                                    + " protected or public",
                            what,
                            reader));
        }
        if (field.getModifiers().contains(Modifier.STATIC)) {
            report.error(
                    field,
                    String.format(
                            "%s must not be static: μP parametrizes each %s instance with its own"
                                    + " %s; make it an instance field",
                            what,
                            ownerKind,
                            things));
        }
    }

    /**
     * Checks that a role field is declared with a type its role supports (and, for a type whose
     * value the generated code assigns, declared as exactly that type).
     *
     * @return the supported type the field holds, or {@code null} when it holds none (reported)
     *     or its type does not resolve (javac reports it)
     */
    private LayerType checkLayerType(
            VariableElement field,
            Class<? extends Annotation> role,
            String ownerKind,
            Report report) {
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
                                        + " %s %s; declare it as %s",
                                at(role),
                                name,
                                candidate.qualifiedName(),
                                type,
                                ownerKind.equals("model") ? "constructor" : "code",
                                candidate == LayerType.LINEAR
                                        ? "installs a μP Linear in place of the layer (what the"
                                                + " subclass adds would be lost) and assigns it to"
                                                + " the field"
                                        : candidate == LayerType.CONV2D
                                                ? "installs a μP Conv2d in place of the layer"
                                                        + " (what the subclass adds would be lost)"
                                                        + " and assigns it to the field"
                                                : whatTheGeneratedCodeAssigns(candidate),
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

    /** What the generated code does with a field of a type it assigns, for messages. */
    private static String whatTheGeneratedCodeAssigns(LayerType type) {
        switch (type) {
            case LINEAR:
                return "installs a μP Linear in place of the layer and assigns it to the field";
            case ATTENTION:
                return "assigns to the field the μP block that MuModelBuilder returns for it (the"
                        + " same MuAttention, with its projections and logit scale parametrized)";
            case TIED_READOUT:
                return "assigns to the field the μP block that MuModelBuilder returns for it (the"
                        + " same MuTiedReadout, with its logit multiplier set)";
            case CONV2D:
                return "installs a μP Conv2d in place of the layer and assigns it to the field";
            case CONV1D:
            case CONV3D:
                return "assigns to the field the layer that MuModelBuilder returns for it (the"
                        + " same " + type.simpleName() + ", parametrized)";
            default:
                throw new AssertionError(type + " is not assigned");
        }
    }

    /**
     * The message for a field with several μP annotations.
     *
     * @param name the field
     * @param isWidth whether {@code @Width} is among them
     * @param roles the role annotations among them
     * @return the message
     */
    static String conflictMessage(
            String name, boolean isWidth, List<Class<? extends Annotation>> roles) {
        if (isWidth) {
            return String.format(
                    "'%s' has both @Width and %s: @Width marks an int width, role annotations mark"
                            + " layers, and a field cannot be both; remove one of them",
                    name,
                    roles.stream().map(FieldChecks::at).collect(Collectors.joining(" and ")));
        }
        return String.format(
                "'%s' has %s, but a layer has exactly one μP role: keep only the one that fits"
                        + " (@MuInput: only the output size is a width; @MuHidden: both are;"
                        + " @MuOutput: the readout)",
                name,
                roles.stream().map(FieldChecks::at).collect(Collectors.joining(" and ")));
    }

    // ---------------------------------------------------------------------------------------
    // Layers without a role

    /**
     * Warns about an unannotated field holding a layer or block that μP would parametrize (a
     * {@code Linear}, {@code MuAttention} or {@code MuTiedReadout}), or any other DJL block that
     * can hold parameters (alone, in an array or in a list) and is not a {@code @MuBlock}: most
     * likely a forgotten annotation, and at run time parameters outside the μP table. The known
     * parameter-free blocks ({@link #PARAMETER_FREE_BLOCKS}) are left alone. {@code
     * @SuppressWarnings("mup")} on the field or an enclosing class silences it.
     *
     * @param owner the model or block declaring the field
     * @param field a field without μP annotations
     * @param inBlock whether the owner is a {@code @MuBlock} class (which has no readout)
     * @param report where the warning goes
     */
    void warnIfForgottenRole(
            TypeElement owner, VariableElement field, boolean inBlock, Report report) {
        if (field.getModifiers().contains(Modifier.STATIC)
                || field.asType().getKind() == TypeKind.ERROR
                || isSuppressed(field)) {
            return;
        }
        for (LayerType type : List.of(LayerType.LINEAR, LayerType.ATTENTION, LayerType.TIED_READOUT)) {
            TypeElement element = elements.getTypeElement(type.qualifiedName());
            if (element != null && isAssignable(field.asType(), element)) {
                report.warning(field, forgottenRoleMessage(type, field, owner, inBlock));
                return;
            }
        }
        // Any other DJL block that can hold parameters (alone, in an array or in a list): its
        // parameters would be outside the μP table.
        TypeMirror held = heldBlockType(field.asType());
        if (held != null && !isParameterFree(held)) {
            report.warning(field, unclassifiedBlockMessage(held, field, owner));
        }
    }

    /**
     * The DJL blocks that hold no parameters, and so need no role: a field of one of these types
     * (or a subclass) gets no warning. Activations and pooling layers are {@code LambdaBlock}s.
     */
    static final List<String> PARAMETER_FREE_BLOCKS = List.of(
            "ai.djl.nn.LambdaBlock",
            "ai.djl.nn.norm.Dropout",
            "ai.djl.nn.core.ConstantEmbedding",
            "ai.djl.nn.core.SparseMax");

    static final String BLOCK = "ai.djl.nn.Block";

    /**
     * The block type a field holds: its own type when it is a DJL block, the element type of an
     * array or {@code java.util.List} of blocks, or {@code null} when it holds no block.
     *
     * @param type a field's declared type
     * @return the block type, or {@code null}
     */
    TypeMirror heldBlockType(TypeMirror type) {
        TypeElement block = elements.getTypeElement(BLOCK);
        if (block == null) {
            return null;
        }
        TypeMirror candidate = type;
        if (type.getKind() == TypeKind.ARRAY) {
            candidate = ((ArrayType) type).getComponentType();
        } else if (type.getKind() == TypeKind.DECLARED && !isAssignable(type, block)) {
            DeclaredType list = asList(type);
            if (list == null || list.getTypeArguments().size() != 1) {
                return null;
            }
            candidate = list.getTypeArguments().get(0);
            if (candidate.getKind() == TypeKind.WILDCARD) {
                candidate = ((WildcardType) candidate).getExtendsBound();
            }
        }
        return candidate != null
                        && candidate.getKind() == TypeKind.DECLARED
                        && isAssignable(candidate, block)
                ? candidate
                : null;
    }

    private boolean isParameterFree(TypeMirror type) {
        for (String name : PARAMETER_FREE_BLOCKS) {
            TypeElement element = elements.getTypeElement(name);
            if (element != null && isAssignable(type, element)) {
                return true;
            }
        }
        return false;
    }

    private boolean isA(TypeMirror type, String qualifiedName) {
        TypeElement element = elements.getTypeElement(qualifiedName);
        return element != null && isAssignable(type, element);
    }

    /**
     * The warning for a field holding a DJL block with parameters that has no role and is not a
     * {@code @MuBlock}: the fix depends on the kind of block.
     */
    private String unclassifiedBlockMessage(TypeMirror held, VariableElement field, TypeElement owner) {
        TypeElement heldElement = (TypeElement) ((DeclaredType) held).asElement();
        String heldName = heldElement.getSimpleName().toString();
        boolean single = types.isSameType(types.erasure(held), types.erasure(field.asType()));
        String start = String.format(
                "%s field '%s' of %s %s no μP role and %s not a @MuBlock, so %s parameters would stay"
                        + " in the standard parametrization, outside the μP table (a μP optimizer"
                        + " refuses them): ",
                single ? heldName : field.asType().toString(),
                field.getSimpleName(),
                owner.getSimpleName(),
                single ? "has" : "holds " + heldName + " blocks with",
                single ? "is" : "they are",
                single ? "its" : "their");
        String unscaled = "annotate the field with @MuUnscaled to keep "
                + (single ? "it" : "them") + " unscaled on purpose";
        if (isA(held, LayerType.EMBEDDING.qualifiedName())
                || isA(held, LayerType.LAYER_NORM.qualifiedName())) {
            return start
                    + (single
                            ? "annotate it with @MuInput if its output size grows with the width"
                            : "declare each in a field of its own with @MuInput, or in a @MuBlock"
                                    + " class (a List of that class needs no annotation)")
                    + ", or " + unscaled;
        }
        if (isA(held, "ai.djl.nn.SequentialBlock") || isA(held, "ai.djl.nn.ParallelBlock")) {
            return start
                    + String.format(
                            "μP cannot see the layers inside a %s, and a role on it is refused. Put"
                                    + " the (repeated) layers in a @MuBlock class whose fields carry"
                                    + " the roles (a List of that class needs no annotation), or ",
                            heldName)
                    + unscaled;
        }
        if (heldElement.getQualifiedName().contentEquals(BLOCK)
                || heldElement.getQualifiedName().contentEquals(ABSTRACT_BLOCK)
                || heldElement.getQualifiedName().contentEquals("ai.djl.nn.AbstractBaseBlock")) {
            return start
                    + "declare the field with the type of the layer it holds and give it a role, or "
                    + unscaled + "; if it holds a block without parameters (an activation or a"
                    + " pooling layer), declare it as ai.djl.nn.LambdaBlock or add"
                    + " @SuppressWarnings(\"" + SUPPRESS_KEY + "\")";
        }
        if (heldElement.getQualifiedName().toString().startsWith("ai.djl.")) {
            return start
                    + String.format(
                            "μP has no role for a %s; %s, or build it from layers with roles in a"
                                    + " @MuBlock class",
                            heldName,
                            unscaled);
        }
        return start
                + String.format(
                        "annotate the class %s with @MuBlock and its layers with roles (@MuInput,"
                                + " @MuHidden), or ",
                        heldName)
                + unscaled;
    }

    /**
     * Warns about an {@code @MuInput} field declared as DJL's own {@code LayerNorm}: without an
     * axis it normalizes over every axis but the first, so on a {@code (batch, sequence, d)}
     * input its gain and bias are {@code [sequence, d]}, unlike every Transformer.
     */
    private void warnIfAllAxesLayerNorm(VariableElement field, Report report) {
        if (isSuppressed(field)
                || !types.erasure(field.asType()).toString().equals(LayerType.LAYER_NORM.qualifiedName())) {
            return;
        }
        report.warning(
                field,
                String.format(
                        "@MuInput field '%s' is declared as DJL's LayerNorm, which (without an axis)"
                                + " normalizes over every axis but the first: on a (batch,"
                                + " sequence, d) input its gain and bias are [sequence, d], not"
                                + " [d] as in a Transformer. Declare it as %s (which normalizes"
                                + " over the last axis) and build it with MuLayerNorm.builder(),"
                                + " or, if its input is (batch, d) or it is built with an axis,"
                                + " add @SuppressWarnings(\"%s\")",
                        field.getSimpleName(),
                        "dev.mup.runtime.MuLayerNorm",
                        SUPPRESS_KEY));
    }

    /**
     * Validates a field annotated {@code @MuUnscaled}: a readable instance field holding a DJL
     * block, an array or a list of blocks, that is no {@code @MuBlock} and carries no other μP
     * annotation.
     *
     * @param field the field
     * @param reader the generated class reading it, for messages
     * @param ownerKind {@code model} or {@code block}
     * @param report where errors go
     * @return the description, or empty after reporting an error
     */
    Optional<UnscaledDescription> validateUnscaled(
            VariableElement field, String reader, String ownerKind, Report report) {
        int errors = report.errors();
        String name = field.getSimpleName().toString();
        AnnotationMirror mirror = mirror(field, MuUnscaled.class);
        List<Class<? extends Annotation>> others = annotationsOf(field);
        if (!others.isEmpty()) {
            report.error(
                    field,
                    mirror,
                    String.format(
                            "'%s' has @MuUnscaled and %s: @MuUnscaled keeps a layer out of μP on"
                                    + " purpose, %s puts it in; remove one of them",
                            name,
                            others.stream().map(FieldChecks::at).collect(Collectors.joining(" and ")),
                            others.size() == 1 ? "the other" : "the others"));
        }
        checkAccess(field, "@MuUnscaled field '" + name + "'", reader, ownerKind, "layers", report);
        TypeMirror type = field.asType();
        if (type.getKind() != TypeKind.ERROR) {
            Optional<BlockFieldType> blocks = blockFieldType(type);
            if (blocks.isPresent()) {
                report.error(
                        field,
                        mirror,
                        String.format(
                                "'%s' holds %s, a @MuBlock class whose layers have μP roles: remove"
                                        + " @MuUnscaled (the block's layers are declared with their"
                                        + " roles), or remove @MuBlock from %s to keep it unscaled",
                                name,
                                blocks.get().block().getSimpleName(),
                                blocks.get().block().getSimpleName()));
            } else if (heldBlockType(type) == null) {
                report.error(
                        field,
                        mirror,
                        String.format(
                                "@MuUnscaled field '%s' has type %s, which holds no DJL block:"
                                        + " @MuUnscaled marks a block (ai.djl.nn.Block or a"
                                        + " subclass), an array or a List of blocks whose"
                                        + " parameters stay unscaled; remove it",
                                name,
                                type));
            }
        }
        return report.errors() == errors
                ? Optional.of(new UnscaledDescription(name))
                : Optional.empty();
    }

    /**
     * The known name closest to a misspelled one, for "did you mean" hints: the one at the
     * smallest edit distance (Levenshtein, ignoring case), if that distance is at most a third of
     * the name's length (at least 2).
     *
     * @param name the unknown name
     * @param known the names it may have meant
     * @return the closest name, or empty when none is close
     */
    static Optional<String> didYouMean(String name, List<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int d = editDistance(name.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return best != null && bestDistance <= Math.max(2, name.length() / 3)
                ? Optional.of(best)
                : Optional.empty();
    }

    /** The Levenshtein distance: insertions, deletions and substitutions of one character. */
    static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private static String forgottenRoleMessage(
            LayerType type, VariableElement field, TypeElement owner, boolean inBlock) {
        String start = String.format(
                "%s field '%s' of %s has no μP role (likely forgotten role): ",
                type.simpleName(),
                field.getSimpleName(),
                owner.getSimpleName());
        String suppress = "add @SuppressWarnings(\"" + SUPPRESS_KEY + "\")";
        switch (type) {
            case LINEAR:
                return start
                        + (inBlock
                                ? "annotate it with @MuInput or @MuHidden (the readout belongs to"
                                        + " the model, not to a @MuBlock)"
                                : "annotate it with @MuInput, @MuHidden or @MuOutput")
                        + ", or, if none of its sizes grows with the width, annotate it with"
                        + " @MuUnscaled to keep it unscaled on purpose";
            case ATTENTION:
                return start
                        + "annotate it with @MuHidden, which sets its logit scale and"
                        + " parametrizes its projections, or, if its model dimension does not grow"
                        + " with the width, annotate it with @MuUnscaled to keep it unscaled on"
                        + " purpose";
            case TIED_READOUT:
                return start
                        + (inBlock
                                ? "a @MuBlock cannot hold the readout, which belongs to the model:"
                                        + " move the field to the model and annotate it with"
                                        + " @MuOutput there, or, if it is deliberately left out, "
                                : "annotate it with @MuOutput, which keeps its logits from"
                                        + " growing with the width, or, if it is deliberately left"
                                        + " out, ")
                        + suppress;
            default:
                throw new AssertionError(type);
        }
    }

    static boolean isSuppressed(Element element) {
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

    // ---------------------------------------------------------------------------------------
    // Fields holding blocks

    /**
     * The declared type of a field that holds {@code @MuBlock} blocks.
     *
     * @param shape a block, an array or a list of blocks
     * @param block the {@code @MuBlock} class
     */
    record BlockFieldType(BlockFieldDescription.Shape shape, TypeElement block) {}

    /**
     * Whether a class is annotated {@code @MuBlock} (read through the element API, so that a
     * block compiled before, on the classpath, is recognized too).
     *
     * @param type a class
     * @return whether it is a block class
     */
    static boolean isBlockClass(TypeElement type) {
        return type.getAnnotation(MuBlock.class) != null;
    }

    /**
     * Recognizes a field type holding blocks: a {@code @MuBlock} class {@code B}, an array {@code
     * B[]}, or a {@code java.util.List} of {@code B} (or of {@code ? extends B}, or a subtype of
     * {@code List} such as {@code ArrayList<B>}).
     *
     * @param type a field's declared type
     * @return how it holds blocks, or empty when it holds none
     */
    Optional<BlockFieldType> blockFieldType(TypeMirror type) {
        if (type.getKind() == TypeKind.ARRAY) {
            TypeElement block = blockClassOf(((ArrayType) type).getComponentType());
            return block == null
                    ? Optional.empty()
                    : Optional.of(new BlockFieldType(BlockFieldDescription.Shape.ARRAY, block));
        }
        if (type.getKind() != TypeKind.DECLARED) {
            return Optional.empty();
        }
        TypeElement single = blockClassOf(type);
        if (single != null) {
            return Optional.of(new BlockFieldType(BlockFieldDescription.Shape.SINGLE, single));
        }
        DeclaredType list = asList(type);
        if (list == null || list.getTypeArguments().size() != 1) {
            return Optional.empty();
        }
        TypeElement element = blockClassOf(list.getTypeArguments().get(0));
        return element == null
                ? Optional.empty()
                : Optional.of(new BlockFieldType(BlockFieldDescription.Shape.LIST, element));
    }

    /**
     * Whether a field type is a raw {@code java.util.List} (or a raw subtype of it), whose
     * elements the processor cannot see.
     *
     * @param type a field's declared type
     * @return whether it is a raw list
     */
    boolean isRawList(TypeMirror type) {
        if (type.getKind() != TypeKind.DECLARED) {
            return false;
        }
        DeclaredType list = asList(type);
        return list != null && list.getTypeArguments().isEmpty();
    }

    /** The {@code @MuBlock} class a type (or the upper bound of a wildcard) is, or null. */
    private static TypeElement blockClassOf(TypeMirror type) {
        if (type.getKind() == TypeKind.WILDCARD) {
            TypeMirror bound = ((WildcardType) type).getExtendsBound();
            return bound == null ? null : blockClassOf(bound);
        }
        if (type.getKind() != TypeKind.DECLARED) {
            return null;
        }
        TypeElement element = (TypeElement) ((DeclaredType) type).asElement();
        return isBlockClass(element) ? element : null;
    }

    /** {@code type} viewed as {@code java.util.List<...>}, or null if it is not a list. */
    private DeclaredType asList(TypeMirror type) {
        TypeElement list = elements.getTypeElement(LIST);
        if (list == null) {
            return null;
        }
        TypeMirror listErasure = types.erasure(list.asType());
        Deque<TypeMirror> todo = new ArrayDeque<>(List.of(type));
        Set<String> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            TypeMirror t = todo.removeFirst();
            if (t.getKind() != TypeKind.DECLARED || !seen.add(t.toString())) {
                continue;
            }
            if (types.isSameType(types.erasure(t), listErasure)) {
                return (DeclaredType) t;
            }
            todo.addAll(types.directSupertypes(t));
        }
        return null;
    }

    /**
     * Validates a field that holds blocks, in a model or in an enclosing block: readable by the
     * generated code, and of a block class whose generated class exists.
     *
     * @param field the field
     * @param type how it holds blocks
     * @param reader the generated class reading it, for messages
     * @param ownerKind {@code model} or {@code block}
     * @param generated the simple name of the class generated for the owner
     * @param lookup the status of block classes
     * @param report where errors go
     * @return the description, or empty after reporting an error
     */
    Optional<BlockFieldDescription> validateBlockField(
            VariableElement field,
            BlockFieldType type,
            String reader,
            String ownerKind,
            String generated,
            BlockLookup lookup,
            Report report) {
        int errors = report.errors();
        String name = field.getSimpleName().toString();
        checkAccess(
                field,
                String.format("Block field '%s' (%s)", name, field.asType()),
                reader,
                ownerKind,
                "blocks",
                report);
        TypeElement block = type.block();
        String blockName = block.getSimpleName().toString();
        switch (lookup.statusOf(block)) {
            case READY:
                break;
            case INVALID:
                report.error(
                        field,
                        String.format(
                                "'%s' holds %s, a @MuBlock class with errors (reported on %s):"
                                        + " fix them, and %s is generated",
                                name,
                                blockName,
                                blockName,
                                generated));
                break;
            case PENDING:
                report.error(
                        field,
                        String.format(
                                "'%s' holds %s, a @MuBlock class whose types could not be"
                                        + " resolved (reported on %s): fix or generate them, and %s"
                                        + " is generated",
                                name,
                                blockName,
                                blockName,
                                generated));
                break;
            case NOT_GENERATED:
                report.error(
                        field,
                        String.format(
                                "'%s' holds %s, a @MuBlock class compiled without the μP"
                                        + " processor: %s, which %s calls, is not on the classpath;"
                                        + " compile %s with mup-processor on the annotation"
                                        + " processor path",
                                name,
                                block.getQualifiedName(),
                                reference(block).generatedQualifiedName(),
                                generated,
                                blockName));
                break;
            default:
                throw new AssertionError(lookup.statusOf(block));
        }
        return report.errors() == errors
                ? Optional.of(new BlockFieldDescription(name, type.shape(), reference(block)))
                : Optional.empty();
    }

    /**
     * The error for a raw {@code List} field in a model or block.
     *
     * @param field the field
     * @param owner the model or block
     * @param report where it goes
     */
    static void reportRawList(VariableElement field, TypeElement owner, Report report) {
        report.error(
                field,
                String.format(
                        "'%s' of %s is a raw %s, whose elements the μP processor cannot see: if it"
                                + " holds @MuBlock blocks, declare it as List<TheBlock> so that"
                                + " they are declared; otherwise give it its element type",
                        field.getSimpleName(),
                        owner.getSimpleName(),
                        field.asType()));
    }

    // ---------------------------------------------------------------------------------------
    // Types that do not resolve yet

    /**
     * Names the types a model's or block's declaration depends on that javac could not resolve
     * yet (for example classes that another annotation processor generates in a later round):
     * its superclasses, instance fields (any of which may hold blocks) and constructors.
     *
     * @param owner the model or block class
     * @return the unresolved types, as written in the source; empty when all are resolved
     */
    List<String> unresolvedTypes(TypeElement owner) {
        Set<String> out = new LinkedHashSet<>();
        for (TypeMirror t = owner.getSuperclass(); t.getKind() != TypeKind.NONE; ) {
            if (t.getKind() == TypeKind.ERROR) {
                out.add(t.toString());
                break;
            }
            if (t.getKind() != TypeKind.DECLARED) {
                break;
            }
            t = ((TypeElement) ((DeclaredType) t).asElement()).getSuperclass();
        }
        for (VariableElement field : ElementFilter.fieldsIn(owner.getEnclosedElements())) {
            if (!field.getModifiers().contains(Modifier.STATIC)
                    || !annotationsOf(field).isEmpty()) {
                collectErrorTypes(field.asType(), out);
            }
        }
        for (ExecutableElement constructor :
                ElementFilter.constructorsIn(owner.getEnclosedElements())) {
            for (VariableElement parameter : constructor.getParameters()) {
                collectErrorTypes(parameter.asType(), out);
            }
            for (TypeMirror thrown : constructor.getThrownTypes()) {
                collectErrorTypes(thrown, out);
            }
        }
        return List.copyOf(out);
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

    // ---------------------------------------------------------------------------------------
    // Helpers

    boolean isAssignable(TypeMirror type, TypeElement target) {
        return types.isAssignable(types.erasure(type), types.erasure(target.asType()));
    }

    /**
     * A class by name.
     *
     * @param type a class
     * @return its package and simple names
     */
    ClassReference reference(TypeElement type) {
        PackageElement pkg = elements.getPackageOf(type);
        return new ClassReference(
                pkg.isUnnamed() ? "" : pkg.getQualifiedName().toString(), simpleNames(type));
    }

    /**
     * The simple names from the outermost enclosing class down to a class.
     *
     * @param type a class
     * @return the names
     */
    static List<String> simpleNames(TypeElement type) {
        List<String> names = new ArrayList<>();
        for (Element e = type; e instanceof TypeElement; e = e.getEnclosingElement()) {
            names.add(0, e.getSimpleName().toString());
        }
        return names;
    }

    /** The μP annotations on a field, in the order Width, MuInput, MuHidden, MuOutput. */
    static List<Class<? extends Annotation>> annotationsOf(Element field) {
        List<Class<? extends Annotation>> out = new ArrayList<>();
        for (Class<? extends Annotation> type :
                List.of(Width.class, MuInput.class, MuHidden.class, MuOutput.class)) {
            if (field.getAnnotation(type) != null) {
                out.add(type);
            }
        }
        return out;
    }

    static AnnotationMirror mirror(Element element, Class<? extends Annotation> type) {
        for (AnnotationMirror mirror : element.getAnnotationMirrors()) {
            TypeElement annotation = (TypeElement) mirror.getAnnotationType().asElement();
            if (annotation.getQualifiedName().contentEquals(type.getCanonicalName())) {
                return mirror;
            }
        }
        throw new IllegalStateException(element + " has no @" + type.getSimpleName());
    }

    /** The value of an attribute written in the source, or {@code null} for a default value. */
    static AnnotationValue value(AnnotationMirror mirror, String attribute) {
        for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> e :
                mirror.getElementValues().entrySet()) {
            if (e.getKey().getSimpleName().contentEquals(attribute)) {
                return e.getValue();
            }
        }
        return null;
    }

    static String at(Class<? extends Annotation> annotation) {
        return "@" + annotation.getSimpleName();
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

    /** {@code a}, {@code a or b}, {@code a, b or c}. */
    static String joinAlternatives(List<String> items) {
        if (items.size() <= 1) {
            return String.join("", items);
        }
        return String.join(", ", items.subList(0, items.size() - 1))
                + " or " + items.get(items.size() - 1);
    }

    static String kindName(ElementKind kind) {
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
}
