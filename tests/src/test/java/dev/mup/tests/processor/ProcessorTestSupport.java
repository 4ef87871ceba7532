package dev.mup.tests.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.util.JavacTask;
import dev.mup.processor.MuProcessor;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import javax.annotation.processing.Completion;
import javax.annotation.processing.Filer;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.ToolProvider;

/**
 * Shared helpers of the processor tests: the example's source, the golden files and a javac
 * with the μP processor.
 *
 * <p>When the generated text changes on purpose, run the tests with {@code
 * -Dmup.golden.update=true}: {@link #assertMatchesGolden} then rewrites the golden files under
 * {@code src/test/resources/processor/golden} (and still fails, so the change gets reviewed).
 */
final class ProcessorTestSupport {

    /** The example model, relative to the tests module (Maven's working directory for tests). */
    static final Path MLP_SOURCE = Paths.get("../examples/src/main/java/dev/mup/examples/mlp/Mlp.java");

    static final String MLP_MUP = "dev.mup.examples.mlp.MlpMuP";

    /** The fixture with two widths, a test resource. */
    static final String TWO_WIDTH_RESOURCE = "processor/TwoWidthModel.java";

    static final String TWO_WIDTH_MUP = "dev.mup.tests.processor.fixtures.TwoWidthModelMuP";

    /** The fixture with the runtime's attention and tied readout as role fields, a test resource. */
    static final String TRANSFORMER_RESOURCE = "processor/TransformerBlockModel.java";

    static final String TRANSFORMER_MUP = "dev.mup.tests.processor.fixtures.TransformerBlockModelMuP";

    /** The fixture GPT holding a list of {@code @MuBlock} blocks, and its block: test resources. */
    static final String GPT_RESOURCE = "processor/Gpt.java";

    static final String GPT_BLOCK_RESOURCE = "processor/GptBlock.java";

    static final String GPT_MUP = "dev.mup.tests.processor.fixtures.GptMuP";

    static final String GPT_BLOCK_MUP = "dev.mup.tests.processor.fixtures.GptBlockMuP";

    private static final Path GOLDEN_SOURCE_DIR = Paths.get("src/test/resources/processor/golden");

    /**
     * The imports and block methods most test models need, so that inline sources stay short.
     */
    static final List<String> IMPORTS = List.of(
            "import ai.djl.ndarray.NDList;",
            "import ai.djl.ndarray.types.Shape;",
            "import ai.djl.nn.AbstractBlock;",
            "import ai.djl.nn.SequentialBlock;",
            "import ai.djl.nn.core.Embedding;",
            "import ai.djl.nn.core.Linear;",
            "import ai.djl.nn.norm.LayerNorm;",
            "import ai.djl.training.ParameterStore;",
            "import ai.djl.util.PairList;",
            "import dev.mup.annotations.MuBlock;",
            "import dev.mup.annotations.MuHidden;",
            "import dev.mup.annotations.MuInput;",
            "import dev.mup.annotations.MuOutput;",
            "import dev.mup.annotations.Width;",
            "import java.util.List;");

    static final List<String> BLOCK_METHODS = List.of(
            "  @Override",
            "  protected NDList forwardInternal(",
            "      ParameterStore ps, NDList in, boolean training, PairList<String, Object> params) {",
            "    return in;",
            "  }",
            "",
            "  @Override",
            "  public Shape[] getOutputShapes(Shape[] inputShapes) {",
            "    return inputShapes;",
            "  }");

    private ProcessorTestSupport() {}

    /** javac with the μP processor, reading and writing UTF-8. */
    static Compiler javacWithProcessor() {
        return Compiler.javac().withProcessors(new MuProcessor()).withOptions("-encoding", "UTF-8");
    }

    static Compilation compile(JavaFileObject... sources) {
        return javacWithProcessor().compile(sources);
    }

    /**
     * Compiles sources to class files in {@code dir}, as a library compiled before the code under
     * test: with the μP processor (its generated classes compiled alongside) or without any.
     *
     * @return the test classpath followed by {@code dir}, to compile against the library
     */
    static List<File> compileLibrary(Path dir, boolean withProcessor, JavaFileObject... sources) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        List<String> options = new ArrayList<>(List.of(
                "-d", dir.toString(),
                "-classpath", System.getProperty("java.class.path"),
                "-encoding", "UTF-8"));
        if (!withProcessor) {
            options.add("-proc:none");
        }
        JavacTask task = (JavacTask) javac.getTask(null, null, diagnostics, options, null, List.of(sources));
        if (withProcessor) {
            task.setProcessors(List.of(new MuProcessor()));
        }
        assertTrue(task.call(), () -> "the library does not compile: " + diagnostics.getDiagnostics());
        List<File> classpath = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            classpath.add(new File(entry));
        }
        classpath.add(dir.toFile());
        return classpath;
    }

    /** The source of the example {@code Mlp}, read from the examples module. */
    static JavaFileObject mlpSource() {
        if (!Files.isRegularFile(MLP_SOURCE)) {
            fail("The example model is missing: expected " + MLP_SOURCE.toAbsolutePath().normalize()
                    + " (the tests read it relative to the tests module; run them with Maven from"
                    + " the project, or with the tests module as working directory)");
        }
        try {
            return JavaFileObjects.forSourceString(
                    "dev.mup.examples.mlp.Mlp", Files.readString(MLP_SOURCE, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JavaFileObject twoWidthSource() {
        return JavaFileObjects.forResource(TWO_WIDTH_RESOURCE);
    }

    static JavaFileObject transformerSource() {
        return JavaFileObjects.forResource(TRANSFORMER_RESOURCE);
    }

    /** The GPT fixture: the model and its block class. */
    static JavaFileObject[] gptSources() {
        return new JavaFileObject[] {
            JavaFileObjects.forResource(GPT_RESOURCE), JavaFileObjects.forResource(GPT_BLOCK_RESOURCE)
        };
    }

    /**
     * An inline model in package {@code test} with the usual imports: {@code declaration} is the
     * class line (e.g. {@code "public class M extends AbstractBlock {"}), then {@code members},
     * then, if {@code blockMethods}, the two abstract methods of a DJL block, and the closing
     * brace.
     */
    static JavaFileObject source(String name, boolean blockMethods, String declaration, String... members) {
        List<String> lines = new ArrayList<>();
        lines.add("package test;");
        lines.add("");
        lines.addAll(IMPORTS);
        lines.add("");
        lines.add(declaration);
        lines.addAll(List.of(members));
        if (blockMethods) {
            lines.add("");
            lines.addAll(BLOCK_METHODS);
        }
        lines.add("}");
        return JavaFileObjects.forSourceLines("test." + name, lines);
    }

    /** A DJL block {@code test.<name>} with the given members. */
    static JavaFileObject block(String name, String... members) {
        return source(name, true, "public class " + name + " extends AbstractBlock {", members);
    }

    /** A {@code @MuBlock} class {@code test.<name>}, a DJL block with the given members. */
    static JavaFileObject muBlock(String name, String... members) {
        return source(name, true, "@MuBlock public class " + name + " extends AbstractBlock {", members);
    }

    /**
     * Asserts that a generated file is the golden file as Java syntax: with compile-testing's
     * {@code hasSourceEquivalentTo} where the JVM lets it into javac's internals ({@code
     * --add-exports jdk.compiler/com.sun.tools.javac.*=ALL-UNNAMED} in the surefire argLine), and
     * otherwise by comparing the two files as javac's public tree API parses and pretty-prints
     * them (layout and ordinary comments ignored; javac keeps the javadoc there, so that path
     * compares javadoc too).
     */
    static void assertSourceEquivalentToGolden(
            Compilation compilation, String qualifiedName, String goldenFileName) {
        if (javacInternalsExported()) {
            assertThat(compilation)
                    .generatedSourceFile(qualifiedName)
                    .hasSourceEquivalentTo(golden(goldenFileName));
        } else {
            assertEquals(
                    parsedAndPrinted(goldenText(goldenFileName)),
                    parsedAndPrinted(generatedText(compilation, qualifiedName)),
                    qualifiedName + " is not equivalent to processor/golden/" + goldenFileName);
        }
    }

    /** Whether compile-testing's tree comparison can reach the javac classes it needs. */
    static boolean javacInternalsExported() {
        Module jdkCompiler = ModuleLayer.boot().findModule("jdk.compiler").orElseThrow();
        Module self = ProcessorTestSupport.class.getModule();
        return Stream.of("api", "main", "parser", "tree", "util")
                .allMatch(p -> jdkCompiler.isExported("com.sun.tools.javac." + p, self));
    }

    /** A source file parsed by javac (public API only) and printed back in javac's own layout. */
    static String parsedAndPrinted(String source) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        List<JavaFileObject> files = List.of(JavaFileObjects.forSourceString("Parsed", source));
        JavacTask task = (JavacTask) javac.getTask(null, null, diagnostics, List.of(), null, files);
        try {
            StringBuilder out = new StringBuilder();
            for (CompilationUnitTree unit : task.parse()) {
                out.append(unit);
            }
            assertTrue(diagnostics.getDiagnostics().isEmpty(),
                    () -> "does not parse: " + diagnostics.getDiagnostics());
            return out.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The μP processor, recording the source files it asks the {@link Filer} for: compile-testing
     * does not show the generated files of a failed compilation, and these tests check that an
     * invalid model generates nothing.
     */
    static final class RecordingProcessor implements Processor {
        private final MuProcessor delegate = new MuProcessor();
        private final List<String> createdSourceFiles = new ArrayList<>();

        List<String> createdSourceFiles() {
            return createdSourceFiles;
        }

        @Override
        public void init(ProcessingEnvironment env) {
            Filer filer = proxy(Filer.class, env.getFiler(), (method, args) -> {
                if (method.getName().equals("createSourceFile")) {
                    createdSourceFiles.add(args[0].toString());
                }
                return null;
            });
            delegate.init(proxy(ProcessingEnvironment.class, env,
                    (method, args) -> method.getName().equals("getFiler") ? filer : null));
        }

        @Override
        public Set<String> getSupportedOptions() {
            return delegate.getSupportedOptions();
        }

        @Override
        public Set<String> getSupportedAnnotationTypes() {
            return delegate.getSupportedAnnotationTypes();
        }

        @Override
        public SourceVersion getSupportedSourceVersion() {
            return delegate.getSupportedSourceVersion();
        }

        @Override
        public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment roundEnv) {
            return delegate.process(annotations, roundEnv);
        }

        @Override
        public Iterable<? extends Completion> getCompletions(
                Element element, AnnotationMirror annotation, ExecutableElement member, String userText) {
            return delegate.getCompletions(element, annotation, member, userText);
        }

        /**
         * Forwards every call to {@code target}, after {@code hook}; a non-null result of the hook
         * replaces the call.
         */
        private static <T> T proxy(Class<T> type, T target, BiFunction<Method, Object[], Object> hook) {
            InvocationHandler handler = (p, method, args) -> {
                Object replaced = hook.apply(method, args);
                if (replaced != null) {
                    return replaced;
                }
                try {
                    return method.invoke(target, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            };
            return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
        }
    }

    /** The golden file as a {@link JavaFileObject}, for {@code hasSourceEquivalentTo}. */
    static JavaFileObject golden(String fileName) {
        return JavaFileObjects.forResource("processor/golden/" + fileName);
    }

    static String goldenText(String fileName) {
        URL url = ProcessorTestSupport.class.getClassLoader().getResource("processor/golden/" + fileName);
        assertTrue(url != null, "golden file processor/golden/" + fileName + " is not on the test classpath");
        try (InputStream in = url.openStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The text of a generated source file. */
    static String generatedText(Compilation compilation, String qualifiedName) {
        JavaFileObject file = compilation
                .generatedSourceFile(qualifiedName)
                .orElseThrow(() -> new AssertionError(
                        qualifiedName + " was not generated; generated: " + compilation.generatedSourceFiles()
                                + "; diagnostics: " + compilation.diagnostics()));
        try {
            return file.getCharContent(true).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Asserts that a generated file has exactly the golden text, javadoc and formatting
     * included; with {@code -Dmup.golden.update=true} rewrites the golden file instead.
     */
    static void assertMatchesGolden(String goldenFileName, String actual) {
        if (Boolean.getBoolean("mup.golden.update")) {
            try {
                Files.createDirectories(GOLDEN_SOURCE_DIR);
                Files.writeString(GOLDEN_SOURCE_DIR.resolve(goldenFileName), actual, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            fail("Rewrote " + GOLDEN_SOURCE_DIR.resolve(goldenFileName) + "; review it and run again without"
                    + " -Dmup.golden.update");
        }
        assertEquals(
                goldenText(goldenFileName),
                actual,
                "The generated source differs from processor/golden/" + goldenFileName
                        + " (if the change is intended, rerun with -Dmup.golden.update=true and review"
                        + " the diff)");
    }
}
