package dev.mup.processor;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import javax.lang.model.element.Modifier;

/**
 * Writes the source of {@code <Block>MuP} for a valid {@code @MuBlock} class, from its {@link
 * BlockDescription}: a final class with a private constructor and one method,
 *
 * <pre>{@code
 * public static void declare(MuModelBuilder mu, String path, GptBlock block)
 * }</pre>
 *
 * which declares the annotated fields of one block instance to the builder of the model holding
 * it, in declaration order, each named {@code path} followed by its field name (e.g. {@code
 * blocks.0.up}). It first asks the builder for the block's live children ({@code
 * MuModelBuilder.childrenOf}, which also rejects a null block with its path), where the builder
 * installs a μP {@code Linear} in place of every annotated {@code Linear} layer; the statements
 * are those of a model's generated constructor ({@link DeclarationCode}), reading {@code
 * block.field} instead of {@code this.field}. Nested block fields call their own generated class
 * with {@code path + "field."} (or {@code path + "field." + i + "."}).
 *
 * <p>Like {@link MuModelGenerator}, a pure function of the description.
 */
final class MuBlockGenerator {

    private static final String BUILDER = "mu";
    private static final String PATH = "path";
    private static final String BLOCK = "block";
    private static final String CHILDREN = "children";
    private static final String INDEX = "i";

    private final boolean annotateGenerated;

    /**
     * A generator.
     *
     * @param annotateGenerated whether to put {@code @javax.annotation.processing.Generated} on
     *     the generated class (only when that annotation is available to the compilation)
     */
    MuBlockGenerator(boolean annotateGenerated) {
        this.annotateGenerated = annotateGenerated;
    }

    /**
     * Generates the declarations of a block.
     *
     * @param block the validated block
     * @return the source file, in the block's package
     */
    JavaFile generate(BlockDescription block) {
        ClassReference reference = block.block();
        ClassName blockClass = DeclarationCode.className(reference);

        TypeSpec.Builder type = TypeSpec.classBuilder(reference.generatedSimpleName())
                .addJavadoc(classJavadoc(block, blockClass));
        if (annotateGenerated) {
            type.addAnnotation(DeclarationCode.generatedAnnotation(
                    "μP declarations of the @MuBlock " + reference.qualifiedName()));
        }
        if (block.isPublic()) {
            type.addModifiers(Modifier.PUBLIC);
        }
        type.addModifiers(Modifier.FINAL)
                .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build())
                .addMethod(declareMethod(block, blockClass));

        return JavaFile.builder(reference.packageName(), type.build())
                .skipJavaLangImports(true)
                .build();
    }

    private static MethodSpec declareMethod(BlockDescription block, ClassName blockClass) {
        return MethodSpec.methodBuilder("declare")
                .addJavadoc("""
                        Declares the layers of one {@link $1T} to the builder of the model holding it,
                        each named {@code $2L} followed by its field name, and installs a μP
                        {@code Linear} in place of each annotated {@code Linear} layer among the
                        block's children. The generated code of the models (and blocks) holding
                        {@code $3L} blocks calls it once per block.

                        @param $4L the builder of the model holding the block
                        @param $2L the block's place in the model, ending with a dot, e.g.
                            {@code "blocks.0."}
                        @param $5L the block, as the model's constructor built it
                        @throws IllegalStateException if the block, or one of its annotated layers,
                            is null after the model's constructor ran
                        @throws IllegalArgumentException if the model has no width of a name the
                            block's annotations give, or an annotated field holds a layer μP does
                            not support
                        """, blockClass, PATH, block.block().simpleName(), BUILDER, BLOCK)
                .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addParameter(DeclarationCode.MU_MODEL_BUILDER, BUILDER)
                .addParameter(String.class, PATH)
                .addParameter(blockClass, BLOCK)
                .addStatement("$T $L = $L.childrenOf($L, $L)",
                        DeclarationCode.BLOCK_LIST, CHILDREN, BUILDER, PATH, BLOCK)
                .addCode(DeclarationCode.statements(
                        block.declarations(),
                        new DeclarationCode.Scope(BUILDER, BLOCK, CHILDREN, PATH, INDEX)))
                .build();
    }

    private static CodeBlock classJavadoc(BlockDescription block, ClassName blockClass) {
        return CodeBlock.builder()
                .add("""
                        μP declarations of {@link $1T}, a {@code @MuBlock}, generated by the μP
                        annotation processor from the annotations on {@link $1T}. The generated
                        class of every model holding {@code $2L} blocks (alone, in an array or in a
                        list) calls {@link #declare} for each of them, which declares the block's
                        layers to the model's {@link $3T} under the block's place in the model.

                        <p>Layers, named after the block's place (e.g. {@code blocks.0.<field>}),
                        with the widths of the model holding the block:
                        <ul>
                        """,
                        blockClass, block.block().simpleName(), DeclarationCode.MU_MODEL_BUILDER)
                .add(DeclarationCode.javadocItems(block.declarations()))
                .add("""
                        </ul>

                        <p>Do not edit: this class is regenerated from the annotations on every build.
                        """)
                .build();
    }
}
