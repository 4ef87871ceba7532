package dev.mup.tests.processor;

import static dev.mup.tests.processor.ProcessorTestSupport.MLP_SOURCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.palantir.javapoet.ClassName;
import dev.mup.annotations.Width;
import dev.mup.processor.MuProcessor;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The processor as users run it: the system javac finds it through {@code META-INF/services} on
 * {@code -processorpath}, without the test handing it an instance; and its jar carries the
 * Gradle incremental-processing declaration.
 */
class ProcessorPathTest {

    private static final String GRADLE_RESOURCE = "META-INF/gradle/incremental.annotation.processors";
    private static final String SERVICES_RESOURCE = "META-INF/services/javax.annotation.processing.Processor";

    @Test
    void javacFindsTheProcessorOnTheProcessorPath(@TempDir Path tmp) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertNotNull(javac, "no system Java compiler: run the tests on a JDK, not a JRE");
        assertTrue(Files.isRegularFile(MLP_SOURCE), "missing example source " + MLP_SOURCE.toAbsolutePath());

        Path classes = Files.createDirectories(tmp.resolve("classes"));
        Path generated = Files.createDirectories(tmp.resolve("generated"));
        List<String> options = List.of(
                "-processorpath", processorPath(),
                "-classpath", System.getProperty("java.class.path"),
                "-d", classes.toString(),
                "-s", generated.toString(),
                "-encoding", "UTF-8",
                "-implicit:none");

        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        boolean ok;
        try (StandardJavaFileManager files =
                javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
            ok = javac.getTask(new StringWriter(), files, diagnostics, options, null,
                            files.getJavaFileObjects(MLP_SOURCE.toFile()))
                    .call();
        }

        String report = diagnostics.getDiagnostics().stream()
                .map(d -> d.getKind() + ": " + d.getMessage(Locale.ROOT))
                .collect(Collectors.joining("\n"));
        assertTrue(ok, "javac failed with -processorpath " + processorPath() + ":\n" + report);
        assertTrue(diagnostics.getDiagnostics().stream().noneMatch(d -> d.getKind() == Diagnostic.Kind.ERROR), report);
        Path mlpMuPClass = classes.resolve("dev/mup/examples/mlp/MlpMuP.class");
        assertTrue(Files.isRegularFile(mlpMuPClass),
                "javac did not run the μP processor found on -processorpath: no " + mlpMuPClass + "\n" + report);
        Path mlpMuPSource = generated.resolve("dev/mup/examples/mlp/MlpMuP.java");
        assertEquals(
                ProcessorTestSupport.goldenText("MlpMuP.java"),
                Files.readString(mlpMuPSource, StandardCharsets.UTF_8),
                "javac -processorpath generated another MlpMuP than the golden file");
    }

    @Test
    void processorDeclaresItselfForServiceLoadingAndGradleIncrementalCompilation() throws IOException {
        Path processor = location(MuProcessor.class);

        String gradle = readFrom(processor, GRADLE_RESOURCE);
        assertTrue(gradle.lines().map(String::strip).anyMatch("dev.mup.processor.MuProcessor,isolating"::equals),
                GRADLE_RESOURCE + " in " + processor + " must declare the isolating processor, but is:\n" + gradle);

        String services = readFrom(processor, SERVICES_RESOURCE);
        assertTrue(services.lines().map(String::strip).anyMatch(MuProcessor.class.getName()::equals),
                SERVICES_RESOURCE + " in " + processor + " must name the processor, but is:\n" + services);
    }

    /**
     * The processor's jar (or classes directory), plus the annotations. The installed jar shades
     * JavaPoet, so it suffices alone; a classes directory (a reactor build that stops before
     * {@code package}) also needs JavaPoet itself.
     */
    private static String processorPath() {
        Set<Path> path = new LinkedHashSet<>();
        Path processor = location(MuProcessor.class);
        path.add(processor);
        path.add(location(Width.class));
        if (Files.isDirectory(processor)) {
            path.add(location(ClassName.class));
        }
        List<String> entries = new ArrayList<>();
        path.forEach(p -> entries.add(p.toString()));
        return String.join(File.pathSeparator, entries);
    }

    private static Path location(Class<?> type) {
        try {
            return Paths.get(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String readFrom(Path jarOrDirectory, String resource) throws IOException {
        if (Files.isDirectory(jarOrDirectory)) {
            Path file = jarOrDirectory.resolve(resource);
            assertTrue(Files.isRegularFile(file), resource + " is missing from " + jarOrDirectory);
            return Files.readString(file, StandardCharsets.UTF_8);
        }
        try (JarFile jar = new JarFile(jarOrDirectory.toFile())) {
            assertNotNull(jar.getJarEntry(resource), resource + " is missing from " + jarOrDirectory);
            try (InputStream in = jar.getInputStream(jar.getJarEntry(resource))) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
    }
}
