package dev.mup.processor;

import com.google.auto.service.AutoService;
import com.palantir.javapoet.JavaFile;
import dev.mup.annotations.MuBlock;
import dev.mup.annotations.MuHidden;
import dev.mup.annotations.MuInput;
import dev.mup.annotations.MuOutput;
import dev.mup.annotations.MuUnscaled;
import dev.mup.annotations.Width;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Elements;
import javax.tools.Diagnostic.Kind;
import javax.tools.JavaFileObject;

/**
 * The μP annotation processor: for every class with fields annotated {@link Width}, {@link
 * MuInput}, {@link MuHidden} or {@link MuOutput} it generates {@code <Model>MuP}, a subclass of
 * the model in the same package that builds the same network in μP (see {@link
 * MuModelGenerator} for its shape); for every class annotated {@link MuBlock} it generates {@code
 * <Block>MuP}, whose static {@code declare} method the models' generated code calls for each
 * block they hold (see {@link MuBlockGenerator}).
 *
 * <p>A model is first checked by {@link ModelValidator}, and a block by {@link BlockValidator},
 * which report every problem as a compile error on the offending class or field; only a class
 * without errors is generated. Within a round, blocks are validated before the models and blocks
 * that hold them, so that a model holding an invalid block is not generated either (it would not
 * compile). A block compiled before, on the classpath, is read through the element API, and its
 * {@code <Block>MuP} must be on the classpath too. A static nested class {@code Outer.Inner}
 * gives the top-level class {@code Outer_InnerMuP}.
 *
 * <p>The processor is discovered through {@code META-INF/services} (so {@code javac
 * -processorpath mup-processor.jar} is enough; JavaPoet is shaded into that jar) and is an
 * <em>isolating</em> processor for Gradle's incremental compilation: each generated file has its
 * model or block class as its only originating element. Gradle requires exactly one originating
 * top-level class per file, so a model's file does not name the block classes it uses; it does
 * not need to, since its text depends only on their names (the generated {@code declare} of each
 * block, regenerated with the block, holds the block's layers), and a changed block class gets
 * the models that use it recompiled, and so revalidated, as any dependent class.
 *
 * <p>A field annotated {@link MuUnscaled} (in a model or a block) is declared to the builder as
 * kept in the standard parametrization on purpose. The processor claims its annotations (and
 * {@code @Generated} on the classes it wrote), so that {@code -Xlint:all -Werror} builds do not
 * fail on javac's "No processor claimed any of these annotations".
 *
 * <p>A model or block whose declaration mentions types that do not exist yet (for example
 * classes another processor generates) is put off to a later round, and so is a model or block
 * holding such a block; if the types are still missing in the last round, the class is reported
 * instead of generated.
 */
@AutoService(Processor.class)
public final class MuProcessor extends AbstractProcessor {

    private static final String GENERATED_ANNOTATION = "javax.annotation.processing.Generated";

    /** Models put off to a later round, by qualified name (elements do not survive rounds). */
    private final Set<String> deferred = new LinkedHashSet<>();

    /** Models already validated (and generated, if valid), by qualified name. */
    private final Set<String> done = new LinkedHashSet<>();

    /** Block classes validated (or put off) in this compilation, by qualified name. */
    private final Map<String, BlockLookup.Status> blockStatus = new HashMap<>();

    /** Block classes being validated now: a block nested in itself counts as valid meanwhile. */
    private final Set<String> blocksInProgress = new HashSet<>();

    /** The block classes of the current round, validated on first use or in turn. */
    private Map<String, TypeElement> roundBlocks = Map.of();

    private boolean lastRound;

    /** The classes this processor wrote, by qualified name. */
    private final Set<String> written = new HashSet<>();

    private FieldChecks checks;
    private ModelValidator validator;
    private BlockValidator blockValidator;
    private MuModelGenerator generator;
    private MuBlockGenerator blockGenerator;

    /** Creates the processor; javac instantiates it through {@code META-INF/services}. */
    public MuProcessor() {}

    @Override
    public synchronized void init(ProcessingEnvironment processingEnv) {
        super.init(processingEnv);
        checks = new FieldChecks(processingEnv);
        blockValidator = new BlockValidator(processingEnv, checks);
        validator = new ModelValidator(processingEnv, checks, blockValidator);
        boolean annotateGenerated =
                processingEnv.getElementUtils().getTypeElement(GENERATED_ANNOTATION) != null;
        generator = new MuModelGenerator(annotateGenerated);
        blockGenerator = new MuBlockGenerator(annotateGenerated);
    }

    @Override
    public Set<String> getSupportedAnnotationTypes() {
        return Set.of(
                Width.class.getCanonicalName(),
                MuInput.class.getCanonicalName(),
                MuHidden.class.getCanonicalName(),
                MuOutput.class.getCanonicalName(),
                MuUnscaled.class.getCanonicalName(),
                MuBlock.class.getCanonicalName(),
                dev.mup.annotations.Depth.class.getCanonicalName(),
                // Only to claim it on the classes generated here (see process).
                GENERATED_ANNOTATION);
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
        return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment roundEnv) {
        lastRound = roundEnv.processingOver();
        Elements elements = processingEnv.getElementUtils();

        Map<String, TypeElement> blocks = new LinkedHashMap<>();
        for (String name : deferredNames(BlockLookup.Status.PENDING)) {
            blockStatus.remove(name);
            TypeElement block = elements.getTypeElement(name);
            if (block != null) {
                blocks.put(name, block);
            }
        }
        for (Element element : roundEnv.getElementsAnnotatedWith(MuBlock.class)) {
            if (element instanceof TypeElement block) {
                blocks.put(block.getQualifiedName().toString(), block);
            }
        }

        Set<TypeElement> models = new LinkedHashSet<>();
        for (String name : deferred) {
            TypeElement model = elements.getTypeElement(name);
            if (model != null) {
                models.add(model);
            }
        }
        deferred.clear();
        for (TypeElement annotation : annotations) {
            for (Element element : roundEnv.getElementsAnnotatedWith(annotation)) {
                // The field annotations make models, except in block classes; @MuBlock does not.
                if (element.getKind() == ElementKind.FIELD
                        && element.getEnclosingElement() instanceof TypeElement owner
                        && !FieldChecks.isBlockClass(owner)) {
                    models.add(owner);
                }
            }
        }

        roundBlocks = blocks;
        try {
            for (TypeElement block : blocks.values()) {
                processBlock(block);
            }
            for (TypeElement model : models) {
                processModel(model);
            }
        } finally {
            roundBlocks = Map.of();
        }
        // The annotations are the project's own: claiming them keeps javac's "No processor
        // claimed any of these annotations" (-Xlint:processing) from failing -Werror builds.
        // @Generated is claimed only when it marks nothing but the classes written here.
        return claims(annotations, roundEnv);
    }

    private boolean claims(Set<? extends TypeElement> annotations, RoundEnvironment roundEnv) {
        for (TypeElement annotation : annotations) {
            if (!annotation.getQualifiedName().contentEquals(GENERATED_ANNOTATION)) {
                continue;
            }
            for (Element element : roundEnv.getElementsAnnotatedWith(annotation)) {
                if (!(element instanceof TypeElement type)
                        || !written.contains(type.getQualifiedName().toString())) {
                    return false;
                }
            }
        }
        return true;
    }

    private void processModel(TypeElement model) {
        String name = model.getQualifiedName().toString();
        if (done.contains(name)) {
            return;
        }
        List<String> unresolved = checks.unresolvedTypes(model);
        if ((!unresolved.isEmpty() || holdsPendingBlocks(model)) && !lastRound) {
            deferred.add(name);
            return;
        }
        done.add(name);
        if (!unresolved.isEmpty()) {
            reportUnresolved(model, unresolved);
            return;
        }
        validator.validate(model, this::statusOf).ifPresent(description -> write(
                generator.generate(description),
                description.generatedQualifiedName(),
                description.generatedSimpleName(),
                model));
    }

    private void processBlock(TypeElement block) {
        String name = block.getQualifiedName().toString();
        if (blockStatus.containsKey(name) || !blocksInProgress.add(name)) {
            return;
        }
        try {
            List<String> unresolved = checks.unresolvedTypes(block);
            if ((!unresolved.isEmpty() || holdsPendingBlocks(block)) && !lastRound) {
                blockStatus.put(name, BlockLookup.Status.PENDING);
                return;
            }
            if (!unresolved.isEmpty()) {
                blockStatus.put(name, BlockLookup.Status.INVALID);
                reportUnresolved(block, unresolved);
                return;
            }
            Optional<BlockDescription> description = blockValidator.validate(block, this::statusOf);
            blockStatus.put(
                    name,
                    description.isPresent()
                            ? BlockLookup.Status.READY
                            : BlockLookup.Status.INVALID);
            description.ifPresent(d -> write(
                    blockGenerator.generate(d),
                    d.block().generatedQualifiedName(),
                    d.block().generatedSimpleName(),
                    block));
        } finally {
            blocksInProgress.remove(name);
        }
    }

    private boolean holdsPendingBlocks(TypeElement owner) {
        for (TypeElement block : blockValidator.blockClassesOf(owner)) {
            if (statusOf(block) == BlockLookup.Status.PENDING) {
                return true;
            }
        }
        return false;
    }

    /** The {@link BlockLookup} the validators use. */
    private BlockLookup.Status statusOf(TypeElement block) {
        String name = block.getQualifiedName().toString();
        if (blocksInProgress.contains(name)) {
            // Nested in itself: its errors, if any, are reported on it.
            return BlockLookup.Status.READY;
        }
        TypeElement inRound = roundBlocks.get(name);
        if (inRound != null) {
            processBlock(inRound);
        }
        BlockLookup.Status status = blockStatus.get(name);
        if (status != null) {
            return status;
        }
        String generatedName = checks.reference(block).generatedQualifiedName();
        return processingEnv.getElementUtils().getTypeElement(generatedName) != null
                ? BlockLookup.Status.READY
                : BlockLookup.Status.NOT_GENERATED;
    }

    private List<String> deferredNames(BlockLookup.Status status) {
        List<String> out = new ArrayList<>();
        blockStatus.forEach((name, s) -> {
            if (s == status) {
                out.add(name);
            }
        });
        out.sort(null);
        return out;
    }

    private void reportUnresolved(TypeElement type, List<String> unresolved) {
        processingEnv.getMessager().printMessage(
                Kind.ERROR,
                String.format(
                        "%s was not generated because these types of %s could not be"
                                + " resolved: %s; fix or generate them first",
                        ModelValidator.generatedSimpleName(type),
                        type.getSimpleName(),
                        String.join(", ", unresolved)),
                type);
    }

    private void write(
            JavaFile file, String qualifiedName, String simpleName, TypeElement originating) {
        try {
            // The model or block is the one originating element: Gradle's isolating mode relies
            // on it.
            JavaFileObject source =
                    processingEnv.getFiler().createSourceFile(qualifiedName, originating);
            try (Writer writer = source.openWriter()) {
                file.writeTo(writer);
            }
            written.add(qualifiedName);
        } catch (IOException e) {
            processingEnv.getMessager().printMessage(
                    Kind.ERROR,
                    String.format(
                            "Could not write %s: %s. Is another class named %s already declared?",
                            qualifiedName,
                            e.getMessage(),
                            simpleName),
                    originating);
        }
    }
}
