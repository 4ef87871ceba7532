package dev.mup.processor;

import com.google.auto.service.AutoService;
import com.palantir.javapoet.JavaFile;
import dev.mup.annotations.MuHidden;
import dev.mup.annotations.MuInput;
import dev.mup.annotations.MuOutput;
import dev.mup.annotations.Width;
import java.io.IOException;
import java.io.Writer;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;
import javax.tools.Diagnostic.Kind;
import javax.tools.JavaFileObject;

/**
 * The μP annotation processor: for every class with fields annotated {@link Width}, {@link
 * MuInput}, {@link MuHidden} or {@link MuOutput} it generates {@code <Model>MuP}, a subclass of
 * the model in the same package that builds the same network in μP (see {@link
 * MuModelGenerator} for its shape).
 *
 * <p>A model is first checked by {@link ModelValidator}, which reports every problem as a
 * compile error on the offending class or field; only a model without errors is generated. A
 * static nested model {@code Outer.Inner} gives the top-level class {@code Outer_InnerMuP}.
 *
 * <p>The processor is discovered through {@code META-INF/services} (so {@code javac
 * -processorpath mup-processor.jar} is enough; JavaPoet is shaded into that jar) and is an
 * <em>isolating</em> processor for Gradle's incremental compilation: each generated file depends
 * only on its model class (and the model's supertypes), which is passed as the file's only
 * originating element.
 *
 * <p>A model whose declaration mentions types that do not exist yet (for example classes another
 * processor generates) is put off to a later round; if they are still missing in the last round,
 * the model is reported instead of generated.
 */
@AutoService(Processor.class)
public final class MuProcessor extends AbstractProcessor {

    private static final String GENERATED_ANNOTATION = "javax.annotation.processing.Generated";

    /** Models put off to a later round, by qualified name (elements do not survive rounds). */
    private final Set<String> deferred = new LinkedHashSet<>();

    /** Models already validated (and generated, if valid), by qualified name. */
    private final Set<String> done = new LinkedHashSet<>();

    private ModelValidator validator;
    private MuModelGenerator generator;

    /** Creates the processor; javac instantiates it through {@code META-INF/services}. */
    public MuProcessor() {}

    @Override
    public synchronized void init(ProcessingEnvironment processingEnv) {
        super.init(processingEnv);
        validator = new ModelValidator(processingEnv);
        generator = new MuModelGenerator(
                processingEnv.getElementUtils().getTypeElement(GENERATED_ANNOTATION) != null);
    }

    @Override
    public Set<String> getSupportedAnnotationTypes() {
        return Set.of(
                Width.class.getCanonicalName(),
                MuInput.class.getCanonicalName(),
                MuHidden.class.getCanonicalName(),
                MuOutput.class.getCanonicalName());
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
        return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment roundEnv) {
        Set<TypeElement> models = new LinkedHashSet<>();
        for (String name : deferred) {
            TypeElement model = processingEnv.getElementUtils().getTypeElement(name);
            if (model != null) {
                models.add(model);
            }
        }
        deferred.clear();
        for (TypeElement annotation : annotations) {
            for (Element element : roundEnv.getElementsAnnotatedWith(annotation)) {
                if (element.getEnclosingElement() instanceof TypeElement) {
                    models.add((TypeElement) element.getEnclosingElement());
                }
            }
        }

        for (TypeElement model : models) {
            String name = model.getQualifiedName().toString();
            if (done.contains(name)) {
                continue;
            }
            List<String> unresolved = validator.unresolvedTypes(model);
            if (!unresolved.isEmpty()) {
                if (!roundEnv.processingOver()) {
                    deferred.add(name);
                    continue;
                }
                done.add(name);
                processingEnv.getMessager().printMessage(
                        Kind.ERROR,
                        String.format(
                                "%s was not generated because these types of %s could not be"
                                        + " resolved: %s; fix or generate them first",
                                ModelValidator.generatedSimpleName(model),
                                model.getSimpleName(),
                                String.join(", ", unresolved)),
                        model);
                continue;
            }
            done.add(name);
            validator.validate(model).ifPresent(description -> write(description, model));
        }
        return false;
    }

    private void write(ModelDescription description, TypeElement model) {
        JavaFile file = generator.generate(description);
        try {
            // The model is the one originating element: Gradle's isolating mode relies on it.
            JavaFileObject source = processingEnv.getFiler()
                    .createSourceFile(description.generatedQualifiedName(), model);
            try (Writer writer = source.openWriter()) {
                file.writeTo(writer);
            }
        } catch (IOException e) {
            processingEnv.getMessager().printMessage(
                    Kind.ERROR,
                    String.format(
                            "Could not write %s: %s. Is another class named %s already declared?",
                            description.generatedQualifiedName(),
                            e.getMessage(),
                            description.generatedSimpleName()),
                    model);
        }
    }
}
