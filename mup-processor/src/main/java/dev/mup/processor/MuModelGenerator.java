package dev.mup.processor;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import com.palantir.javapoet.TypeVariableName;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.lang.model.element.Modifier;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.type.TypeVariable;

/**
 * Writes the source of {@code <Model>MuP}, the μP subclass of a valid model, from its {@link
 * ModelDescription}. A pure function of the description: the same description always gives the
 * same text (no timestamps, members in declaration order), which keeps builds reproducible and
 * lets Gradle's incremental compilation compare outputs.
 *
 * <p>The generated class extends the model and implements {@code dev.mup.runtime.MuModel}. For
 * every non-private constructor of the model it has two: one that takes the same parameters and
 * uses {@code MuOptions.defaults()}, and one with a leading {@code MuOptions} parameter. The
 * latter calls the model's constructor, then declares the widths and layers, in declaration
 * order, to {@code dev.mup.runtime.MuModelBuilder}. The builder installs a μP {@code Linear} in
 * place of every annotated {@code Linear} layer (among {@code this.children}) and returns it; the
 * generated code assigns it back to the field. A {@code MuAttention} (hidden) or {@code
 * MuTiedReadout} (readout) block keeps its place, but goes through the same call and assignment:
 * the builder parametrizes it and returns it. {@code Embedding} and {@code LayerNorm} layers keep
 * their place and are not assigned. A field holding {@code @MuBlock} blocks is declared in its
 * place among the fields by the block's generated {@code <Block>MuP.declare} (see {@link
 * MuBlockGenerator}), element by element for a list or array, with {@code field.} or {@code
 * field.i.} as the prefix of the block's layer names. It overrides {@code saveParameters} and
 * {@code loadParameters} so that a checkpoint carries the parametrization ({@code
 * dev.mup.runtime.MuCheckpoint}). The generated code refers to the runtime by name only: this
 * module depends neither on DJL nor on the runtime.
 */
final class MuModelGenerator {

    private static final ClassName MU_MODEL = DeclarationCode.MU_MODEL;
    private static final ClassName MU_MODEL_BUILDER = DeclarationCode.MU_MODEL_BUILDER;
    private static final ClassName MU_OPTIONS = DeclarationCode.MU_OPTIONS;
    private static final ClassName MU_PARAMETRIZATION = DeclarationCode.MU_PARAMETRIZATION;

    private static final String PARAMETRIZATION_FIELD = "muParametrization";

    private final boolean annotateGenerated;

    /**
     * A generator.
     *
     * @param annotateGenerated whether to put {@code @javax.annotation.processing.Generated} on
     *     the generated class (only when that annotation is available to the compilation)
     */
    MuModelGenerator(boolean annotateGenerated) {
        this.annotateGenerated = annotateGenerated;
    }

    /**
     * Generates the μP subclass of a model.
     *
     * @param model the validated model
     * @return the source file, in the model's package
     */
    JavaFile generate(ModelDescription model) {
        ClassName modelClass = DeclarationCode.className(model.reference());
        String parametrizationField =
                freeName(memberNames(model), PARAMETRIZATION_FIELD, "generatedMuParametrization");

        TypeSpec.Builder type = TypeSpec.classBuilder(model.generatedSimpleName())
                .addJavadoc(classJavadoc(model, modelClass));
        if (annotateGenerated) {
            type.addAnnotation(
                    DeclarationCode.generatedAnnotation("μP subclass of " + model.qualifiedName()));
        }
        if (model.isPublic()) {
            type.addModifiers(Modifier.PUBLIC);
        }
        type.superclass(modelClass)
                .addSuperinterface(MU_MODEL)
                .addField(FieldSpec.builder(
                                MU_PARAMETRIZATION,
                                parametrizationField,
                                Modifier.PRIVATE,
                                Modifier.FINAL)
                        .build());

        for (ConstructorDescription constructor : model.constructors()) {
            Signature signature = new Signature(model, modelClass, constructor);
            type.addMethod(defaultOptionsConstructor(signature));
            type.addMethod(optionsConstructor(signature, parametrizationField));
        }

        type.addMethod(MethodSpec.methodBuilder("muParametrization")
                .addAnnotation(Override.class)
                .addModifiers(Modifier.PUBLIC)
                .returns(MU_PARAMETRIZATION)
                .addStatement("return $L", parametrizationField)
                .build());
        type.addMethod(saveParameters(parametrizationField));
        type.addMethod(loadParameters(parametrizationField));

        return JavaFile.builder(model.packageName(), type.build())
                .skipJavaLangImports(true)
                .build();
    }

    // ---------------------------------------------------------------------------------------
    // Checkpoints

    private static final ClassName MU_CHECKPOINT = ClassName.get("dev.mup.runtime", "MuCheckpoint");
    private static final ClassName DATA_OUTPUT_STREAM = ClassName.get("java.io", "DataOutputStream");
    private static final ClassName DATA_INPUT_STREAM = ClassName.get("java.io", "DataInputStream");
    private static final ClassName IO_EXCEPTION = ClassName.get("java.io", "IOException");
    private static final ClassName ND_MANAGER = ClassName.get("ai.djl.ndarray", "NDManager");
    private static final ClassName MALFORMED_MODEL_EXCEPTION =
            ClassName.get("ai.djl", "MalformedModelException");

    /** Writes the parametrization ahead of the parameters: see {@code MuCheckpoint}. */
    private static MethodSpec saveParameters(String parametrizationField) {
        return MethodSpec.methodBuilder("saveParameters")
                .addJavadoc("""
                        Saves the μP parametrization of this model (widths, bases, options), then its
                        parameters as DJL does; see {@link $T}.
                        """, MU_CHECKPOINT)
                .addAnnotation(Override.class)
                .addModifiers(Modifier.PUBLIC)
                .addParameter(DATA_OUTPUT_STREAM, "os")
                .addException(IO_EXCEPTION)
                .addStatement("$T.save($L, os)", MU_CHECKPOINT, parametrizationField)
                .addStatement("super.saveParameters(os)")
                .build();
    }

    /** Checks the saved parametrization before loading the parameters: see {@code MuCheckpoint}. */
    private static MethodSpec loadParameters(String parametrizationField) {
        return MethodSpec.methodBuilder("loadParameters")
                .addJavadoc("""
                        Loads parameters saved by a model with the same μP parametrization as this one;
                        see {@link $T}.

                        @throws $T when the checkpoint is a plain model's, or was saved with other
                            widths, bases or options (the message names the first difference)
                        """, MU_CHECKPOINT, MALFORMED_MODEL_EXCEPTION)
                .addAnnotation(Override.class)
                .addModifiers(Modifier.PUBLIC)
                .addParameter(ND_MANAGER, "manager")
                .addParameter(DATA_INPUT_STREAM, "is")
                .addException(IO_EXCEPTION)
                .addException(MALFORMED_MODEL_EXCEPTION)
                .addStatement("$T.load($L, is)", MU_CHECKPOINT, parametrizationField)
                .addStatement("super.loadParameters(manager, is)")
                .build();
    }

    // ---------------------------------------------------------------------------------------
    // Constructors

    private MethodSpec defaultOptionsConstructor(Signature s) {
        MethodSpec.Builder method = s.start();
        method.addJavadoc(CodeBlock.builder()
                .add("""
                        Same as $L,
                        in μP with the default options ({@link $T#defaults()}).

                        """, s.link, MU_OPTIONS)
                .add(s.paramAndThrowsJavadoc(false))
                .build());
        s.addParameters(method);
        method.addStatement("this($T.defaults()$L)", MU_OPTIONS, s.arguments(true));
        return method.build();
    }

    private MethodSpec optionsConstructor(Signature s, String parametrizationField) {
        MethodSpec.Builder method = s.start();
        method.addJavadoc(CodeBlock.builder()
                .add("""
                        Same as $L,
                        parametrized with {@code $L}: μP by default, or the standard parametrization
                        with {@code MuOptions.builder().parametrization(Parametrization.SP).build()}.

                        """, s.link, s.options)
                .add(s.paramAndThrowsJavadoc(true))
                .build());
        method.addParameter(MU_OPTIONS, s.options);
        s.addParameters(method);

        String mu = s.builder;
        method.addStatement("super($L)", s.arguments(false));
        method.addStatement("$1T $2L = $1T.forModel($3T.class, $4L)",
                MU_MODEL_BUILDER, mu, s.modelClass, s.options);
        for (WidthDescription width : s.model.widths()) {
            method.addStatement(
                    "$2L.width($1S, this.$1L, $3L)", width.fieldName(), mu, width.base());
        }
        method.addCode(DeclarationCode.statements(
                s.model.declarations(),
                new DeclarationCode.Scope(mu, "this", "this.children", null, s.index)));
        method.addStatement("this.$L = $L.build(this)", parametrizationField, mu);
        return method.build();
    }

    /** One model constructor, with the names the generated pair of constructors uses. */
    private static final class Signature {
        final ModelDescription model;
        final ClassName modelClass;
        final ConstructorDescription constructor;
        /** {@code {@link Mlp#Mlp(int, int, int)}}. */
        final CodeBlock link;
        /** The name of the {@code MuOptions} parameter, clear of the model's parameter names. */
        final String options;
        /** The name of the local {@code MuModelBuilder}. */
        final String builder;
        /** The name of the loop variable over block lists and arrays. */
        final String index;

        Signature(
                ModelDescription model, ClassName modelClass, ConstructorDescription constructor) {
            this.model = model;
            this.modelClass = modelClass;
            this.constructor = constructor;
            Set<String> taken = new HashSet<>();
            for (ConstructorDescription.Parameter p : constructor.parameters()) {
                taken.add(p.name());
            }
            this.options = freeName(taken, "options", "muOptions");
            taken.add(options);
            this.builder = freeName(taken, "mu", "muBuilder");
            taken.add(builder);
            this.index = freeName(taken, "i", "index");

            CodeBlock.Builder link = CodeBlock.builder()
                    .add("{@link $T#$L(", modelClass, model.simpleName());
            List<ConstructorDescription.Parameter> parameters = constructor.parameters();
            for (int i = 0; i < parameters.size(); i++) {
                link.add(i == 0 ? "$T" : ", $T", TypeName.get(parameters.get(i).erasure()));
            }
            this.link = link.add(")}").build();
        }

        MethodSpec.Builder start() {
            MethodSpec.Builder method = MethodSpec.constructorBuilder();
            constructor.access().ifPresent(method::addModifiers);
            for (TypeVariable variable : constructor.typeVariables()) {
                method.addTypeVariable(TypeVariableName.get(variable));
            }
            for (TypeMirror thrown : constructor.thrownTypes()) {
                method.addException(TypeName.get(thrown));
            }
            return method.varargs(constructor.varargs());
        }

        void addParameters(MethodSpec.Builder method) {
            for (ConstructorDescription.Parameter p : constructor.parameters()) {
                method.addParameter(
                        ParameterSpec.builder(TypeName.get(p.type()), p.name()).build());
            }
        }

        /** The model's arguments, comma-separated, with a leading comma if {@code leadingComma}. */
        CodeBlock arguments(boolean leadingComma) {
            CodeBlock.Builder out = CodeBlock.builder();
            List<ConstructorDescription.Parameter> parameters = constructor.parameters();
            for (int i = 0; i < parameters.size(); i++) {
                out.add(i > 0 || leadingComma ? ", $L" : "$L", parameters.get(i).name());
            }
            return out.build();
        }

        CodeBlock paramAndThrowsJavadoc(boolean withOptions) {
            CodeBlock.Builder out = CodeBlock.builder();
            if (withOptions) {
                out.add("""
                        @param $L the μP options: parametrization, readout form, init mode and
                            overrides of the annotated readout settings
                        """, options);
            }
            for (ConstructorDescription.Parameter p : constructor.parameters()) {
                out.add("@param $L passed on to the {@link $T} constructor\n",
                        p.name(), modelClass);
            }
            for (TypeMirror thrown : constructor.thrownTypes()) {
                out.add("@throws $T if the {@link $T} constructor throws it\n",
                        TypeName.get(thrown), modelClass);
            }
            return out.add("""
                    @throws IllegalArgumentException if a width is not positive or an annotated field
                        holds a layer μP does not support
                    @throws IllegalStateException if an annotated layer is still null after the
                        {@link $T} constructor ran
                    """, modelClass)
                    .build();
        }
    }

    // ---------------------------------------------------------------------------------------
    // Class javadoc

    private static CodeBlock classJavadoc(ModelDescription model, ClassName modelClass) {
        CodeBlock.Builder doc = CodeBlock.builder();
        doc.add("""
                {@link $1T} in μP (the Maximal Update Parametrization), generated by the μP
                annotation processor from the annotations on {@link $1T}. Each constructor builds
                the network as the matching constructor of {@link $1T} does, then declares its
                widths and layers to {@link $2T}, which installs μP initializers on the
                annotated layers and a μP {@code Linear} in place of every annotated {@code Linear}
                layer (on a readout, that layer also applies the output multiplier).

                <p>Widths (the width multiplier of each is its value divided by its base):
                <ul>
                """, modelClass, MU_MODEL_BUILDER);
        for (WidthDescription width : model.widths()) {
            doc.add("  <li>{@code $L}: base $L\n", width.fieldName(), width.base());
        }
        boolean hasBlocks = model.declarations().stream()
                .anyMatch(d -> d instanceof BlockFieldDescription);
        doc.add("""
                </ul>

                <p>$L:
                <ul>
                """, hasBlocks ? "Layers and blocks, in declaration order" : "Layers");
        doc.add(DeclarationCode.javadocItems(model.declarations()));
        return doc.add("""
                </ul>

                <p>The numbers themselves (init std, multipliers, learning rates) are not fixed
                here: {@link dev.mup.runtime.MuRule} computes them at run time from the widths of
                each instance and its {@link $T}. The same class gives the standard
                parametrization, as a baseline, with
                {@code MuOptions.builder().parametrization(Parametrization.SP).build()}.

                <p>Do not edit: this class is regenerated from the annotations on every build.
                """, MU_OPTIONS)
                .build();
    }

    // ---------------------------------------------------------------------------------------
    // Names

    /** The names the generated code reads as {@code this.name}. */
    private static Set<String> memberNames(ModelDescription model) {
        Set<String> out = new HashSet<>();
        model.widths().forEach(w -> out.add(w.fieldName()));
        model.declarations().forEach(d -> out.add(d.fieldName()));
        return out;
    }

    /** {@code preferred}, else the first free one of {@code fallback}, {@code fallback2}, .... */
    private static String freeName(Set<String> taken, String preferred, String fallback) {
        if (!taken.contains(preferred)) {
            return preferred;
        }
        if (!taken.contains(fallback)) {
            return fallback;
        }
        for (int i = 2; ; i++) {
            if (!taken.contains(fallback + i)) {
                return fallback + i;
            }
        }
    }
}
