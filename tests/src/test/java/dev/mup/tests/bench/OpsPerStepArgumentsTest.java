package dev.mup.tests.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The native-operations probe refuses a width it cannot build before it loads the engine: a
 * one-line error naming the value and exit status 2, not a stack trace.
 */
class OpsPerStepArgumentsTest {

    @ParameterizedTest
    @ValueSource(strings = {"12x", "100", "0", "-32"})
    void badWidthsAreRefusedWithOneLine(String width) throws IOException, InterruptedException {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-Dai.djl.offline=true",
                        "-cp", System.getProperty("java.class.path"),
                        "../examples/bench/probes/OpsPerStep.java", "128", width)
                .redirectErrorStream(true)
                .start();
        assertTrue(process.waitFor(2, TimeUnit.MINUTES), "the probe did not stop");
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(2, process.exitValue(), output);
        assertEquals("OpsPerStep: widths are positive multiples of the head size 32, got " + width, output);
    }
}
