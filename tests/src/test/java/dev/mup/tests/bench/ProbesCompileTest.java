package dev.mup.tests.bench;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The probe programs in {@code examples/bench/probes/}, whose commands {@code docs/BENCHMARKS.md}
 * gives beside the numbers they produced, are single-file programs that Maven does not build;
 * this compiles them against the project's classes so that a change to the runtime or the
 * examples cannot leave a documented command broken.
 */
class ProbesCompileTest {

    private static final Path PROBES = Paths.get("../examples/bench/probes");

    @Test
    void everyProbeCompilesAgainstTheProject() throws IOException {
        List<Path> probes;
        try (Stream<Path> files = Files.list(PROBES)) {
            probes = files.filter(p -> p.toString().endsWith(".java")).sorted().collect(Collectors.toList());
        }
        assertFalse(probes.isEmpty(), "no probe sources in " + PROBES.toAbsolutePath());
        Compiler javac = Compiler.javac().withOptions("-proc:none", "-encoding", "UTF-8");
        for (Path probe : probes) {
            assertThat(javac.compile(JavaFileObjects.forResource(probe.toUri().toURL()))).succeeded();
        }
    }
}
