package dev.mup.tests.bench;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The probe programs in {@code examples/bench/probes/}, whose commands {@code docs/BENCHMARKS.md}
 * gives beside the numbers they produced, are single-file programs that Maven does not build;
 * this compiles them against the project's classes so that a change to the runtime or the
 * examples cannot leave a documented command broken.
 */
class ProbesCompileTest {

    private static final Path PROBES = Paths.get("../examples/bench/probes");

    @Test
    void everyProbeCompilesAgainstTheProject(@TempDir Path classes) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertNotNull(javac, "no system Java compiler: run the tests on a JDK, not a JRE");
        List<Path> probes;
        try (Stream<Path> files = Files.list(PROBES)) {
            probes = files.filter(p -> p.toString().endsWith(".java")).sorted().collect(Collectors.toList());
        }
        assertFalse(probes.isEmpty(), "no probe sources in " + PROBES.toAbsolutePath());
        for (Path probe : probes) {
            DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
            boolean ok;
            try (StandardJavaFileManager files =
                    javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
                ok = javac.getTask(new StringWriter(), files, diagnostics,
                                List.of("-classpath", System.getProperty("java.class.path"),
                                        "-d", Files.createTempDirectory(classes, "probe").toString(),
                                        "-encoding", "UTF-8", "-proc:none", "-Xlint:none"),
                                null, files.getJavaFileObjects(probe.toFile()))
                        .call();
            }
            String report = diagnostics.getDiagnostics().stream()
                    .map(d -> d.getKind() + " line " + d.getLineNumber() + ": " + d.getMessage(Locale.ROOT))
                    .collect(Collectors.joining("\n"));
            assertTrue(ok, probe.getFileName() + " does not compile:\n" + report);
        }
    }
}
