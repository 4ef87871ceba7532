package dev.mup.tests.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.mup.tests.cli.CliTest;
import dev.mup.workflow.sweep.SweepWorker;
import dev.mup.workflow.sweep.TrialResult;
import dev.mup.workflow.sweep.TrialSpec;
import dev.mup.workflow.sweep.TrialStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line on a user's task, named by its class: every command, and the task's bad input. */
class TaskCliTest {

    private static final String TASK = TinyTask.class.getName();

    @TempDir Path dir;

    @Test
    void parametrizationOfAnyTask() {
        CliTest.Run r = CliTest.run("parametrization", "--task", TASK, "--width", "128");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("mid.weight") && r.out().contains("Hidden"), r.out());
        assertEquals(8, r.out().split("\n").length, r.out());
    }

    @Test
    void coordinateCheckOfAnyTask() {
        CliTest.Run mup = CliTest.run("coord-check", "--task", TASK, "--widths", "64,256,1024", "--steps", "3",
                "--seeds", "1");
        assertEquals(0, mup.exitCode(), mup.err());
        assertTrue(mup.out().contains("Verdict: FLAT."), mup.out());
        CliTest.Run sp = CliTest.run("coord-check", "--task", TASK, "--param", "sp", "--widths", "64,256,1024",
                "--steps", "3", "--seeds", "1");
        assertEquals(0, sp.exitCode(), sp.err());
        assertTrue(sp.out().contains("Verdict: NOT FLAT"), sp.out());
    }

    @Test
    void sweepReportAndTransferOfAnyTask() throws Exception {
        String store = "jdbc:sqlite:" + dir.resolve("tiny.db");
        CliTest.Run r = CliTest.run("sweep", "--task", TASK, "--widths", "32,64", "--steps", "6",
                "--valid-batches", "1", "--optimizer", "adam", "--grid", "log2Lr=-8:-4:2", "--store", store);
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("12 trials (0 diverged)"), r.out());
        Path json = dir.resolve("report.json");
        r = CliTest.run("report", "--store", store, "--json", json.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains(TASK), r.out());
        assertEquals(4, JsonParser.parseString(Files.readString(json)).getAsJsonObject()
                .getAsJsonArray("optima").size());
        Path target = dir.resolve("transfer.json");
        r = CliTest.run("transfer", "--store", store, "--target-width", "128", "--out", target.toString(), "--verify");
        assertEquals(0, r.exitCode(), r.err());
        JsonObject transfer = JsonParser.parseString(Files.readString(target)).getAsJsonObject();
        assertEquals(TASK, transfer.get("task").getAsString());
        assertEquals(2, transfer.getAsJsonArray("targets").size());
        assertTrue(transfer.getAsJsonArray("targets").get(0).getAsJsonObject()
                .get("targetValidationLoss").getAsDouble() > 0, transfer.toString());
        // a width the task refuses is bad input
        r = CliTest.run("transfer", "--store", store, "--target-width", "100", "--out", target.toString(), "--verify");
        assertOneLine(r, "--target-width: TinyTask widths must be positive multiples of 8, got 100");
    }

    @Test
    void aStoreFilledByAWorkerWithItsOwnRunnerIsReported() throws Exception {
        String store = "jdbc:sqlite:" + dir.resolve("own.db");
        List<TrialSpec> trials = new ArrayList<>();
        for (String param : List.of("mup", "sp")) {
            for (int width : List.of(32, 64)) {
                for (double lr : List.of(-8.0, -6.0, -4.0)) {
                    trials.add(TrialSpec.of(param, width, 1).with("log2Lr", lr));
                }
            }
        }
        try (TrialStore s = TrialStore.open(store)) {
            s.initialize("{\"mine\": \"a sweep of my own\"}", trials);
            new SweepWorker(s, "me", Duration.ofMinutes(1), spec -> {
                double lr = spec.hyperparameter("log2Lr");
                return new TrialResult(1, 1 + (lr + 6) * (lr + 6) / spec.width(), 1, 0);
            }, null).run();
        }
        CliTest.Run r = CliTest.run("report", "--store", store);
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("best log2 lr"), r.out());
        Path target = dir.resolve("t.json");
        r = CliTest.run("transfer", "--store", store, "--target-width", "256", "--out", target.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(Files.readString(target).contains("-6.0"), Files.readString(target));
        r = CliTest.run("transfer", "--store", store, "--target-width", "256", "--verify");
        assertOneLine(r, "--verify needs a sweep whose definition names its task");
    }

    @Test
    void badTasksAreOneLineAndExitTwo() {
        assertOneLine(CliTest.run("coord-check", "--task", "com.acme.Missing", "--widths", "64,128"),
                "Unknown task 'com.acme.Missing'");
        assertOneLine(CliTest.run("coord-check", "--task", NotATask.class.getName(), "--widths", "64,128"),
                "does not implement dev.mup.workflow.task.MuTask");
        assertOneLine(CliTest.run("parametrization", "--task", FailingTask.class.getName()),
                "failed in its constructor: IllegalStateException: no data here second line");
        assertOneLine(CliTest.run("coord-check", "--task", TASK, "--widths", "64,100"),
                "--widths: TinyTask widths must be positive multiples of 8, got 100");
        assertOneLine(CliTest.run("sweep", "--task", TASK, "--widths", "32,60", "--grid", "log2Lr=-8",
                "--store", "jdbc:sqlite:" + dir.resolve("x.db")), "--widths: TinyTask widths");
        assertFalse(Files.exists(dir.resolve("x.db")), "nothing written for bad input");
        assertOneLine(CliTest.run("parametrization", "--task", TASK, "--set", "depth=3"),
                "--set depth=3: TinyTask has no setting 'depth' (it has none)");
        assertOneLine(CliTest.run("coord-check", "--task", TASK, "--text", "x.txt"),
                "--text: TinyTask has no setting 'text'");
    }

    private static void assertOneLine(CliTest.Run r, String message) {
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains(message), "stderr should contain '" + message + "': " + r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        assertTrue(r.out().isEmpty(), r.out());
    }
}
