package dev.mup.tests.sweep;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mup.workflow.sweep.TrialStore;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trial store contract on SQLite files, plus what only a file can get wrong. */
class SweepStoreSqliteTest extends SweepStoreContract {

    @TempDir
    Path dir;

    @Override
    String newStoreUrl() {
        return "jdbc:sqlite:" + dir.resolve("sweep.db");
    }

    @Test
    void aFileInAMissingDirectoryNamesThePath() {
        Path missing = dir.resolve("no-such-dir").resolve("sweep.db");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> TrialStore.open("jdbc:sqlite:" + missing).close());
        assertMessage(e, "cannot open the trial store jdbc:sqlite:" + missing);
        assertTrue(!Files.exists(missing.getParent()), "nothing was created");
    }
}
