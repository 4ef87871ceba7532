package dev.mup.tests.support;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * The shared test corpus, {@code ../shared/data/tinyshakespeare.txt} beside the project (CI has
 * it; a fresh clone may not). Tests that need it skip, saying so, when it is absent.
 */
public final class SharedData {

    private SharedData() {}

    /**
     * The Tiny Shakespeare text, or a skipped test.
     *
     * @return its path
     */
    public static Path tinyShakespeare() {
        // surefire runs in the tests module: the project root is its parent, shared/ beside it
        Path module = Path.of(System.getProperty("basedir", "."));
        Path[] candidates = {module.resolve("../../shared/data/tinyshakespeare.txt")};
        for (Path p : candidates) {
            if (Files.isRegularFile(p)) {
                return p.toAbsolutePath().normalize();
            }
        }
        Assumptions.abort("SKIPPED: ../shared/data/tinyshakespeare.txt is not beside the project;"
                + " this test needs the shared corpus (CI has it)");
        throw new AssertionError("unreachable");
    }
}
