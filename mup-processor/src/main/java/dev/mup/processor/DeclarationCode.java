package dev.mup.processor;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import java.util.List;

/**
 * The code that {@link MuModelGenerator} and {@link MuBlockGenerator} share: the statements
 * declaring fields to {@code dev.mup.runtime.MuModelBuilder}, the javadoc list describing them,
 * and the {@code @Generated} annotation. A model's generated constructor and a block's generated
 * {@code declare} method write the same statements, reading the fields of a different object
 * ({@code this} or {@code block}) under different names (the field name, or {@code path} followed
 * by it).
 */
final class DeclarationCode {

    private static final String RUNTIME = "dev.mup.runtime";
    static final ClassName MU_MODEL = ClassName.get(RUNTIME, "MuModel");
    static final ClassName MU_MODEL_BUILDER = ClassName.get(RUNTIME, "MuModelBuilder");
    static final ClassName MU_OPTIONS = ClassName.get(RUNTIME, "MuOptions");
    static final ClassName MU_PARAMETRIZATION = ClassName.get(RUNTIME, "MuParametrization");
    static final ClassName BLOCK_LIST = ClassName.get("ai.djl.nn", "BlockList");
    static final ClassName GENERATED = ClassName.get("javax.annotation.processing", "Generated");

    /** The {@code value} of {@code @Generated}: the processor's name. */
    static final String GENERATOR_NAME = "dev.mup.processor.MuProcessor";

    private DeclarationCode() {}

    /**
     * Where the generated statements find the fields they declare.
     *
     * @param builder the {@code MuModelBuilder} variable, e.g. {@code mu}
     * @param owner the object holding the fields: {@code this} or {@code block}
     * @param children the expression for the owner's children, where {@code Linear} layers are
     *     replaced: {@code this.children} or {@code children}
     * @param path the variable holding the prefix of every name (a block's place in the model,
     *     e.g. {@code "blocks.0."}), or {@code null} when names are the bare field names (a model)
     * @param index the loop variable over the elements of block lists and arrays
     */
    record Scope(String builder, String owner, String children, String path, String index) {}

    /**
     * The statements declaring fields, in order: one per role field, a call of the block's
     * {@code declare} for a block field, a loop of such calls for a list or array of blocks.
     *
     * @param declarations the fields
     * @param scope where the fields are
     * @return the statements
     */
    static CodeBlock statements(List<Declaration> declarations, Scope scope) {
        CodeBlock.Builder out = CodeBlock.builder();
        for (Declaration declaration : declarations) {
            if (declaration instanceof LayerDescription layer) {
                out.add(layerStatement(layer, scope));
            } else if (declaration instanceof UnscaledDescription unscaled) {
                // MuModelBuilder has an overload for a block, an array and a list of blocks.
                out.addStatement("$L.unscaled($L, $L.$L)",
                        scope.builder(),
                        name(scope, CodeBlock.of("$S", unscaled.fieldName())),
                        scope.owner(),
                        unscaled.fieldName());
            } else if (declaration instanceof ResidualDescription residual) {
                out.addStatement("$L.residual($L, $L.$L)", scope.builder(),
                        name(scope, CodeBlock.of("$S", residual.fieldName())),
                        scope.owner(), residual.fieldName());
            } else {
                out.add(blockStatements((BlockFieldDescription) declaration, scope));
            }
        }
        return out.build();
    }

    private static CodeBlock layerStatement(LayerDescription layer, Scope s) {
        String field = layer.fieldName();
        CodeBlock name = name(s, CodeBlock.of("$S", field));
        CodeBlock.Builder out = CodeBlock.builder();
        switch (layer.role()) {
            case INPUT:
                if (layer.type().assigned()) {
                    out.addStatement("$1L.$2L = $3L.input($4L, $1L.$2L, $5S, $6L)",
                            s.owner(), field, s.builder(), name, layer.fanOutWidth(), s.children());
                } else {
                    out.addStatement("$3L.input($4L, $1L.$2L, $5S)",
                            s.owner(), field, s.builder(), name, layer.fanOutWidth());
                }
                break;
            case HIDDEN:
                // A Linear or a MuAttention: MuModelBuilder has an overload for each, and returns
                // what the field holds from then on.
                out.addStatement("$1L.$2L = $3L.hidden($4L, $1L.$2L, $5S, $6S, $7L)",
                        s.owner(), field, s.builder(), name,
                        layer.fanInWidth(), layer.fanOutWidth(), s.children());
                break;
            case OUTPUT:
                // A Linear or a MuTiedReadout, likewise.
                out.addStatement("$1L.$2L = $3L.output($4L, $1L.$2L, $5S, $6L, $7L, $8L)",
                        s.owner(), field, s.builder(), name,
                        layer.fanInWidth(), layer.multiplier(), layer.zeroInit(), s.children());
                break;
            default:
                throw new AssertionError(layer.role());
        }
        return out.build();
    }

    private static CodeBlock blockStatements(BlockFieldDescription field, Scope s) {
        ClassName generated = generatedClass(field.block());
        String name = field.fieldName();
        CodeBlock.Builder out = CodeBlock.builder();
        switch (field.shape()) {
            case SINGLE:
                out.addStatement("$T.declare($L, $L, $L.$L)",
                        generated, s.builder(), name(s, CodeBlock.of("$S", name + ".")),
                        s.owner(), name);
                break;
            case ARRAY:
            case LIST:
                boolean list = field.shape() == BlockFieldDescription.Shape.LIST;
                String i = s.index();
                if (field.depthBase() > 0) {
                    out.addStatement("$L.depth($S, $L.$L.$L, $L)", s.builder(), name, s.owner(), name,
                            list ? "size()" : "length", field.depthBase());
                }
                out.beginControlFlow("for (int $1L = 0; $1L < $2L.$3L.$4L; $1L++)",
                        i, s.owner(), name, list ? "size()" : "length");
                out.addStatement("$T.declare($L, $L, $L.$L$L)",
                        generated,
                        s.builder(),
                        name(s, CodeBlock.of("$S + $L + $S", name + ".", i, ".")),
                        s.owner(),
                        name,
                        list ? CodeBlock.of(".get($L)", i) : CodeBlock.of("[$L]", i));
                out.endControlFlow();
                break;
            default:
                throw new AssertionError(field.shape());
        }
        return out.build();
    }

    /** A name relative to the scope: the bare name in a model, {@code path + name} in a block. */
    private static CodeBlock name(Scope s, CodeBlock relative) {
        return s.path() == null ? relative : CodeBlock.of("$L + $L", s.path(), relative);
    }

    /**
     * The class generated for a model or block.
     *
     * @param reference the model or block
     * @return {@code <Name>MuP} in its package
     */
    static ClassName generatedClass(ClassReference reference) {
        return ClassName.get(reference.packageName(), reference.generatedSimpleName());
    }

    /**
     * A model or block class, as JavaPoet names it.
     *
     * @param reference the class
     * @return its name, nested classes included
     */
    static ClassName className(ClassReference reference) {
        List<String> names = reference.simpleNames();
        return ClassName.get(
                reference.packageName(),
                names.get(0),
                names.subList(1, names.size()).toArray(new String[0]));
    }

    /**
     * The {@code <li>} items describing fields in the javadoc of a generated class, one per
     * field.
     *
     * @param declarations the fields
     * @return the items, each on its own line
     */
    static CodeBlock javadocItems(List<Declaration> declarations) {
        CodeBlock.Builder doc = CodeBlock.builder();
        for (Declaration declaration : declarations) {
            doc.add("  <li>{@code $L}: ", declaration.fieldName());
            if (declaration instanceof ResidualDescription) {
                doc.add("residual connection; the parametrization sets its branch multiplier"
                        + " ({@code m_L^(−α)} in the blocks of the model's depth, 1 elsewhere)\n");
                continue;
            }
            if (declaration instanceof BlockFieldDescription block) {
                String name = block.fieldName();
                switch (block.shape()) {
                    case SINGLE:
                        doc.add("a {@link $T} block, declared by {@link $T} with the names"
                                        + " {@code $L.<layer>}\n",
                                className(block.block()), generatedClass(block.block()), name);
                        break;
                    case ARRAY:
                    case LIST:
                        doc.add("$L of {@link $T} blocks, each declared by {@link $T} with the"
                                        + " names {@code $L.<i>.<layer>}",
                                block.shape() == BlockFieldDescription.Shape.LIST
                                        ? "a list"
                                        : "an array",
                                className(block.block()), generatedClass(block.block()), name);
                        doc.add(block.depthBase() > 0
                                ? CodeBlock.of("; the model's depth, base $L: depth multiplier"
                                        + " {@code m_L} = blocks / $L\n", block.depthBase(), block.depthBase())
                                : CodeBlock.of("\n"));
                        break;
                    default:
                        throw new AssertionError(block.shape());
                }
                continue;
            }
            if (declaration instanceof UnscaledDescription) {
                doc.add("unscaled on purpose ({@code @MuUnscaled}): its parameters keep the"
                        + " standard parametrization\n");
                continue;
            }
            LayerDescription layer = (LayerDescription) declaration;
            switch (layer.role()) {
                case INPUT:
                    doc.add("input-like; fan_out scales with {@code $L}\n", layer.fanOutWidth());
                    break;
                case HIDDEN:
                    doc.add("hidden; fan_in scales with {@code $L}, fan_out with {@code $L}",
                            layer.fanInWidth(), layer.fanOutWidth());
                    doc.add(layer.type() == LayerDescription.LayerType.ATTENTION
                            ? "; multi-head attention: its query, key, value and output"
                                    + " projections are hidden layers, and the parametrization sets"
                                    + " its logit scale\n"
                            : "\n");
                    break;
                case OUTPUT:
                    doc.add("readout (output-like); fan_in scales with {@code $L};",
                            layer.fanInWidth());
                    doc.add(" output multiplier $L", layer.multiplier());
                    doc.add(layer.zeroInit() ? "; weight initialized to zero" : "");
                    doc.add(layer.type() == LayerDescription.LayerType.TIED_READOUT
                            ? "; tied to the input embedding: no weight of its own, the shared"
                                    + " table stays input-like and the width correction goes on the"
                                    + " logits\n"
                            : "\n");
                    break;
                default:
                    throw new AssertionError(layer.role());
            }
        }
        return doc.build();
    }

    /**
     * {@code @Generated} naming the processor.
     *
     * @param comments what was generated from what
     * @return the annotation
     */
    static AnnotationSpec generatedAnnotation(String comments) {
        return AnnotationSpec.builder(GENERATED)
                .addMember("value", "$S", GENERATOR_NAME)
                .addMember("comments", "$S", comments)
                .build();
    }
}
