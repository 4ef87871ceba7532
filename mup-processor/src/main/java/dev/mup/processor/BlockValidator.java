package dev.mup.processor;

import static dev.mup.processor.FieldChecks.annotationsOf;
import static dev.mup.processor.FieldChecks.at;
import static dev.mup.processor.FieldChecks.kindName;
import static dev.mup.processor.FieldChecks.mirror;

import dev.mup.annotations.Depth;
import dev.mup.annotations.MuHidden;
import dev.mup.annotations.MuInput;
import dev.mup.annotations.MuOutput;
import dev.mup.annotations.MuUnscaled;
import dev.mup.annotations.Width;
import dev.mup.processor.FieldChecks.BlockFieldType;
import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.annotation.processing.Messager;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.TypeParameterElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Checks one {@code @MuBlock} class and turns it into a {@link BlockDescription}, or reports
 * what is wrong with it, on the offending class or field, as {@link ModelValidator} does for
 * models. Role fields follow the same rules as in models ({@link FieldChecks}), except that a
 * block has no {@code @Width} and no {@code @MuOutput}, and names every width explicitly: the
 * widths are the enclosing model's, checked for each model that uses the block.
 *
 * <p>It also reads blocks without validating them, for the models using them: {@link
 * #widthUses} works on blocks compiled before (on the classpath) as well, through the element API.
 */
final class BlockValidator {

    private final Elements elements;
    private final Types types;
    private final Messager messager;
    private final FieldChecks checks;

    /** Whether a field is declared as {@code dev.mup.runtime.MuResidual}. */
    private boolean isResidual(VariableElement field) {
        TypeElement residual = elements.getTypeElement(ResidualDescription.TYPE);
        return residual != null && types.isSameType(types.erasure(field.asType()), types.erasure(residual.asType()));
    }

    BlockValidator(ProcessingEnvironment env, FieldChecks checks) {
        this.elements = env.getElementUtils();
        this.types = env.getTypeUtils();
        this.messager = env.getMessager();
        this.checks = checks;
    }

    /**
     * A width named by a layer of a block (or of a block nested in it).
     *
     * @param path the layer's field, relative to the block, e.g. {@code up} or {@code mlp.up}
     * @param annotation the role annotation and attribute naming it, e.g. {@code
     *     @MuHidden(fanOut)}
     * @param width the width's name
     */
    record WidthUse(String path, String annotation, String width) {

        /**
         * For messages: {@code @MuHidden(fanOut) of 'up'}.
         *
         * @return the description
         */
        String describe() {
            return annotation + " of '" + path + "'";
        }
    }

    /**
     * Validates a {@code @MuBlock} class.
     *
     * @param block the class annotated {@code @MuBlock}
     * @param lookup the status of the block classes its fields hold
     * @return the description, or empty when at least one error was reported
     */
    Optional<BlockDescription> validate(TypeElement block, BlockLookup lookup) {
        Report report = new Report(messager);
        String generated = ModelValidator.generatedSimpleName(block);
        String reader = "the generated " + generated;

        if (!validateClass(block, generated, report)) {
            return Optional.empty();
        }

        FieldChecks.WidthScope scope = FieldChecks.blockWidths(block);
        List<Declaration> declarations = new ArrayList<>();
        for (VariableElement field : ElementFilter.fieldsIn(block.getEnclosedElements())) {
            if (field.getAnnotation(MuUnscaled.class) != null) {
                checks.validateUnscaled(field, reader, "block", report).ifPresent(declarations::add);
                continue;
            }
            List<Class<? extends Annotation>> present = annotationsOf(field);
            String name = field.getSimpleName().toString();
            if (field.getAnnotation(Depth.class) != null) {
                report.error(
                        field,
                        mirror(field, Depth.class),
                        String.format(
                                "'%s' of the @MuBlock class %s has @Depth, but a block has no depth"
                                        + " of its own: put @Depth on the model's list (or array) of"
                                        + " blocks",
                                name,
                                block.getSimpleName()));
            }
            if (present.isEmpty() && isResidual(field)) {
                int errors = report.errors();
                checks.checkAccess(
                        field,
                        "MuResidual field '" + name + "'",
                        reader,
                        "block",
                        "residual connections",
                        report);
                if (report.errors() == errors) {
                    declarations.add(new ResidualDescription(name));
                }
                continue;
            }
            if (present.isEmpty()) {
                Optional<BlockFieldType> blockType = checks.blockFieldType(field.asType());
                if (blockType.isEmpty() && field.getModifiers().contains(Modifier.STATIC)) {
                    continue;
                }
                if (blockType.isPresent()) {
                    checks.validateBlockField(
                                    field, blockType.get(), reader, "block", generated, lookup, report)
                            .ifPresent(declarations::add);
                } else if (checks.isRawList(field.asType())) {
                    FieldChecks.reportRawList(field, block, report);
                } else {
                    checks.warnIfForgottenRole(block, field, true, report);
                }
                continue;
            }
            if (present.contains(Width.class)) {
                report.error(
                        field,
                        mirror(field, Width.class),
                        String.format(
                                "'%s' of the @MuBlock class %s has @Width, but a block has no"
                                        + " widths of its own: its layers scale with the widths of"
                                        + " the models using it. Remove @Width, declare the width"
                                        + " in the model, and name it in the block's role"
                                        + " annotations, e.g. @MuHidden(fanIn = \"dModel\","
                                        + " fanOut = \"dFfn\")",
                                name,
                                block.getSimpleName()));
            }
            if (present.contains(MuOutput.class)) {
                report.error(
                        field,
                        mirror(field, MuOutput.class),
                        String.format(
                                "'%s' of the @MuBlock class %s has @MuOutput, but the readout"
                                        + " belongs to the model, not to a block: move the readout"
                                        + " field to the model and annotate it there",
                                name,
                                block.getSimpleName()));
            }
            List<Class<? extends Annotation>> roles = new ArrayList<>(present);
            roles.remove(Width.class);
            roles.remove(MuOutput.class);
            if (roles.size() != present.size()) {
                continue; // reported above
            }
            if (roles.size() > 1) {
                report.error(field, FieldChecks.conflictMessage(name, false, roles));
                checks.checkAccess(
                        field,
                        at(roles.get(0)) + " field '" + name + "'",
                        reader,
                        "block",
                        "layers",
                        report);
                continue;
            }
            checks.validateLayer(field, roles.get(0), scope, reader, "block", report)
                    .ifPresent(declarations::add);
        }

        if (report.errors() > 0) {
            return Optional.empty();
        }
        return Optional.of(
                new BlockDescription(
                        checks.reference(block),
                        block.getModifiers().contains(Modifier.PUBLIC),
                        declarations));
    }

    /**
     * Checks the block class itself.
     *
     * @return whether its fields are worth checking (it is a class the generated code can name)
     */
    private boolean validateClass(TypeElement block, String generated, Report report) {
        String name = block.getSimpleName().toString();
        if (block.getKind() != ElementKind.CLASS) {
            report.error(
                    block,
                    String.format(
                            "%s is %s, but @MuBlock marks a block class: a class extending"
                                    + " ai.djl.nn.AbstractBlock whose annotated fields the"
                                    + " generated %s declares; remove @MuBlock, or declare %s as"
                                    + " such a class",
                            name,
                            kindName(block.getKind()),
                            generated,
                            name));
            return false;
        }
        NestingKind nesting = block.getNestingKind();
        if (nesting == NestingKind.LOCAL || nesting == NestingKind.ANONYMOUS) {
            report.error(
                    block,
                    String.format(
                            "%s is a local class, which the generated top-level %s cannot name:"
                                    + " move the block to a top-level or static nested class",
                            name,
                            generated));
            return false;
        }
        boolean ok = true;
        if (nesting == NestingKind.MEMBER && !block.getModifiers().contains(Modifier.STATIC)) {
            report.error(
                    block,
                    String.format(
                            "%s is an inner (non-static) class: make it a static nested class,"
                                    + " so that the generated top-level %s and the models can name"
                                    + " it without an enclosing instance",
                            name,
                            generated));
            ok = false;
        }
        if (block.getModifiers().contains(Modifier.PRIVATE)) {
            report.error(
                    block,
                    String.format(
                            "%s is private, so the generated %s in the same package cannot read"
                                    + " its fields: give it package, protected or public access",
                            name,
                            generated));
            ok = false;
        }
        for (Element outer = block.getEnclosingElement();
                outer instanceof TypeElement;
                outer = outer.getEnclosingElement()) {
            if (outer.getModifiers().contains(Modifier.PRIVATE)) {
                report.error(
                        block,
                        String.format(
                                "%s is nested in the private class %s, so the generated %s cannot"
                                        + " read its fields: give %s package, protected or public"
                                        + " access",
                                name,
                                outer.getSimpleName(),
                                generated,
                                outer.getSimpleName()));
                ok = false;
            }
        }
        if (!block.getTypeParameters().isEmpty()) {
            report.error(
                    block,
                    String.format(
                            "%s has type parameters <%s>; the μP processor does not generate"
                                    + " declarations for generic blocks: give the block concrete"
                                    + " types (or annotate a non-generic subclass with @MuBlock)",
                            name,
                            block.getTypeParameters().stream()
                                    .map(TypeParameterElement::getSimpleName)
                                    .collect(Collectors.joining(", "))));
            ok = false;
        }
        TypeElement abstractBlock = elements.getTypeElement(FieldChecks.ABSTRACT_BLOCK);
        if (abstractBlock == null) {
            report.error(
                    block,
                    String.format(
                            "%s is not on the compile classpath, but μP blocks are DJL blocks: add"
                                    + " the DJL API (ai.djl:api) to the dependencies of %s",
                            FieldChecks.ABSTRACT_BLOCK,
                            name));
            ok = false;
        } else if (!types.isSubtype(
                types.erasure(block.asType()), types.erasure(abstractBlock.asType()))) {
            report.error(
                    block,
                    String.format(
                            "%s does not extend ai.djl.nn.AbstractBlock, but the generated %s"
                                    + " installs μP layers among the block's children: make the"
                                    + " block extend AbstractBlock (directly or through a"
                                    + " subclass)",
                            name,
                            generated));
            ok = false;
        }
        return ok;
    }

    /**
     * The widths the layers of a block name, nested blocks included, in field order. A block
     * nested in itself (directly or not) is read once.
     *
     * @param block a {@code @MuBlock} class, from the sources or the classpath
     * @return every width use; empty names (errors in the block itself) left out
     */
    List<WidthUse> widthUses(TypeElement block) {
        List<WidthUse> out = new ArrayList<>();
        collectWidthUses(block, "", new HashSet<>(), out);
        return out;
    }

    private void collectWidthUses(
            TypeElement block, String prefix, Set<String> open, List<WidthUse> out) {
        if (!open.add(block.getQualifiedName().toString())) {
            return;
        }
        for (VariableElement field : ElementFilter.fieldsIn(block.getEnclosedElements())) {
            if (field.getModifiers().contains(Modifier.STATIC)) {
                continue;
            }
            String path = prefix + field.getSimpleName();
            MuInput input = field.getAnnotation(MuInput.class);
            if (input != null) {
                addUse(out, path, "@MuInput(width)", input.width());
            }
            MuHidden hidden = field.getAnnotation(MuHidden.class);
            if (hidden != null) {
                addUse(out, path, "@MuHidden(fanIn)", hidden.fanIn());
                addUse(out, path, "@MuHidden(fanOut)", hidden.fanOut());
            }
            if (annotationsOf(field).isEmpty()) {
                Optional<BlockFieldType> nested = checks.blockFieldType(field.asType());
                if (nested.isPresent()) {
                    String inner = nested.get().shape() == BlockFieldDescription.Shape.SINGLE
                            ? path + "."
                            : path + ".<i>.";
                    collectWidthUses(nested.get().block(), inner, open, out);
                }
            }
        }
        open.remove(block.getQualifiedName().toString());
    }

    private static void addUse(List<WidthUse> out, String path, String annotation, String width) {
        if (!width.isEmpty()) {
            out.add(new WidthUse(path, annotation, width));
        }
    }

    /**
     * The block classes that the unannotated fields of a model or block hold directly, for the
     * processor to validate them first.
     *
     * @param owner a model or block class
     * @return the block classes, in field order, without repetition
     */
    List<TypeElement> blockClassesOf(TypeElement owner) {
        Set<TypeElement> out = new LinkedHashSet<>();
        for (VariableElement field : ElementFilter.fieldsIn(owner.getEnclosedElements())) {
            if (annotationsOf(field).isEmpty()) {
                checks.blockFieldType(field.asType()).ifPresent(t -> out.add(t.block()));
            }
        }
        return List.copyOf(out);
    }
}
