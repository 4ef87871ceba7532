package dev.mup.tests.workflow;

import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mup.runtime.MuModel;

import dev.mup.workflow.task.Tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.mup.examples.gpt.GptTask;
import dev.mup.runtime.MuModel;
import dev.mup.runtime.MuOptions;
import dev.mup.runtime.coord.CoordinateCheckResult;
import dev.mup.runtime.coord.CoordinateRecord;
import dev.mup.tests.cli.CliTest;
import dev.mup.workflow.task.Tasks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The depth axis on the command line: {@code coord-check --depths}, {@code sweep --depths},
 * {@code --depth-exponent}, {@code --optimizer adamw-scaled}, the report and transfer of a sweep
 * over depth, and every bad input as one line with exit status 2. The GPT is tiny (width 16, one
 * head, sequences of 8) so that each run takes seconds.
 */
class DepthCliTest {

    private static final String TINY = TinyTask.class.getName();
    private static final String[] GPT = {"--task", "gpt", "--set", "sequence=8", "--batch", "2"};

    @TempDir Path dir;

    private static String[] args(String command, String[] task, String... rest) {
        String[] all = new String[1 + task.length + rest.length];
        all[0] = command;
        System.arraycopy(task, 0, all, 1, task.length);
        System.arraycopy(rest, 0, all, 1 + task.length, rest.length);
        return all;
    }

    @Test
    void gptHasADepthAxisAndATaskWithoutOneRefusesADepth() {
        GptTask gpt = new GptTask();
        assertEquals(OptionalInt.of(2), gpt.baseDepth());
        assertEquals(4, gpt.model(16, 4, MuOptions.defaults()).muParametrization().depth().orElseThrow().value());
        TinyTask tiny = new TinyTask();
        assertTrue(tiny.baseDepth().isEmpty());
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> tiny.model(32, 4, MuOptions.defaults()));
        assertTrue(e.getMessage().contains("has no depth axis"), e.getMessage());
    }

    @Test
    void aTaskWhoseBaseDepthIsNotItsModelsIsRefused() {
        GptTask wrongBase = new GptTask() {
            @Override
            public OptionalInt baseDepth() {
                return OptionalInt.of(4);
            }
        };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tasks.model(wrongBase, 16, 4, MuOptions.defaults()));
        assertTrue(e.getMessage().contains("baseDepth() is 4 but its model's base depth")
                && e.getMessage().contains("is 2"), e.getMessage());
        GptTask wrongCount = new GptTask() {
            @Override
            public MuModel model(int width, int depth, MuOptions options) {
                return super.model(width, 2, options);
            }
        };
        e = assertThrows(IllegalArgumentException.class, () -> Tasks.model(wrongCount, 16, 4, MuOptions.defaults()));
        assertTrue(e.getMessage().contains("built 2 blocks") && e.getMessage().contains("depth 4"), e.getMessage());
        assertEquals(4, Tasks.model(new GptTask(), 16, 4, MuOptions.defaults()).muParametrization().depth()
                .orElseThrow().value());
        // the command line refuses it in one line, before training
        assertOneLine(CliTest.run("coord-check", "--task", WrongBaseTask.class.getName(), "--widths", "16",
                "--depths", "2,4", "--steps", "1", "--seeds", "1"), "baseDepth() is 4 but its model's base depth");
    }

    /** A GPT task that claims another base depth than its model's {@code @Depth(base = 2)}. */
    public static final class WrongBaseTask extends GptTask {
        /** For the command line. */
        public WrongBaseTask() {}

        @Override
        public OptionalInt baseDepth() {
            return OptionalInt.of(4);
        }
    }

    @Test
    void coordinateCheckAlongDepthNamesItsAxis() throws Exception {
        Path json = dir.resolve("depth.json");
        Path plot = dir.resolve("depth.png");
        CliTest.Run r = CliTest.run(args("coord-check", GPT, "--widths", "16", "--depths", "1,2", "--depth-exponent",
                "1", "--steps", "2", "--seeds", "1", "--optimizer", "adamw-scaled", "--json", json.toString(),
                "--plot", plot.toString()));
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("deep/shallow"), r.out());
        assertTrue(r.out().contains("α = 1"), r.out());
        assertTrue(r.out().contains("Verdict:") && r.out().contains("depth"), r.out());
        assertFalse(r.out().contains("wide/narrow"), r.out());
        // the last block is one row whatever the depth: blocks.0 at depth 1, blocks.1 at depth 2
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("blocks.last.mlpResidual ")), r.out());
        assertFalse(r.out().lines().anyMatch(l -> l.startsWith("blocks.1.")), "only depth 2 has a block 1: " + r.out());
        JsonObject root = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
        assertEquals("depth", root.get("axis").getAsString());
        JsonObject first = root.getAsJsonArray("records").get(0).getAsJsonObject();
        assertTrue(first.has("depth") && !first.has("width"), first.toString());
        assertTrue(Files.size(plot) > 0);
    }

    @Test
    void aCheckOverDepthListsTheLayersEveryDepthHas() {
        java.util.List<CoordinateRecord> records = new java.util.ArrayList<>();
        for (String layer : new String[] {"tokens", "blocks.0.mlpResidual", "blocks.last.mlpResidual", "output"}) {
            records.add(new CoordinateRecord(2, layer, 1, 1.0));
            records.add(new CoordinateRecord(4, layer, 1, 2.0));
        }
        records.add(new CoordinateRecord(4, "blocks.3.mlpResidual", 1, 2.0));
        CoordinateCheckResult result = new CoordinateCheckResult(records, CoordinateCheckResult.DEPTH);
        assertEquals(java.util.List.of("tokens", "blocks.0.mlpResidual", "blocks.last.mlpResidual", "output"),
                result.layers());
        assertEquals("depth", result.axis());
        assertEquals("width", new CoordinateCheckResult(records).axis());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new CoordinateCheckResult(records, "height"));
    }

    @Test
    void coordinateCheckDepthBadInput() {
        assertOneLine(CliTest.run("coord-check", "--task", TINY, "--widths", "32", "--depths", "2,4"),
                "--depths: TinyTask has no depth axis");
        assertOneLine(CliTest.run(args("coord-check", GPT, "--widths", "16,32", "--depths", "2,4")),
                "--depths varies depth at one fixed width: give exactly one width");
        assertOneLine(CliTest.run(args("coord-check", GPT, "--depths", "0,2")),
                "--depths needs at least two positive integers");
        assertOneLine(CliTest.run(args("coord-check", GPT, "--depths", "4")),
                "--depths needs at least two positive integers");
        assertOneLine(CliTest.run(args("coord-check", GPT, "--depths", "2,2")),
                "--depths lists a depth twice");
        assertOneLine(CliTest.run(args("coord-check", GPT, "--depths", "2,4", "--depth-exponent", "1.5")),
                "--depth-exponent must be in [0, 1]");
        assertOneLine(CliTest.run("coord-check", "--task", TINY, "--widths", "32,64", "--depth-exponent", "1"),
                "--depth-exponent needs a task with a depth axis; TinyTask has none");
        assertRefused(CliTest.run("coord-check", "--task", TINY, "--optimizer", "lamb"), "adamw-scaled");
    }

    @Test
    void sweepReportAndTransferAlongDepth() throws Exception {
        String store = "jdbc:sqlite:" + dir.resolve("depth.db");
        CliTest.Run r = CliTest.run(args("sweep", GPT, "--param", "mup", "--widths", "16", "--depths", "1,2",
                "--depth-exponent", "1", "--optimizer", "adamw-scaled", "--steps", "2", "--valid-batches", "1",
                "--grid", "log2Lr=-8,-6", "--store", store));
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("4 trials (0 diverged)"), r.out());

        Path json = dir.resolve("report.json");
        Path plot = dir.resolve("report.png");
        r = CliTest.run("report", "--store", store, "--json", json.toString(), "--plot", plot.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("width 16, α = 1"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("param") && l.contains("depth") && !l.contains("width")),
                r.out());
        assertTrue(r.out().contains("from the shallowest to the deepest depth") && r.out().contains("deeper is better"),
                r.out());
        JsonObject report = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
        assertEquals("depth", report.get("axis").getAsString());
        JsonArray optima = report.getAsJsonArray("optima");
        assertEquals(2, optima.size());
        assertEquals(1, optima.get(0).getAsJsonObject().get("depth").getAsInt());
        assertTrue(Files.size(plot) > 0);
        // the report's JSON analyses again along depth
        r = CliTest.run("report", "--from-report", json.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("deeper is better"), r.out());

        Path target = dir.resolve("transfer.json");
        r = CliTest.run("transfer", "--store", store, "--target-depth", "4", "--out", target.toString(), "--verify");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("tuned at depth 1"), r.out());
        JsonObject config = JsonParser.parseString(Files.readString(target)).getAsJsonObject()
                .getAsJsonArray("targets").get(0).getAsJsonObject();
        assertEquals(4, config.get("depth").getAsInt());
        assertEquals(16, config.get("width").getAsInt());
        assertEquals(1, config.get("tunedAtDepth").getAsInt());
        assertEquals(1.0, config.get("depthExponent").getAsDouble());
        assertTrue(config.get("targetValidationLoss").getAsDouble() > 0, config.toString());

        // transfer's bad input along depth
        assertOneLine(CliTest.run("transfer", "--store", store, "--target-width", "32"), "give --target-depth");
        assertOneLine(CliTest.run("transfer", "--store", store, "--target-depth", "0"),
                "--target-depth must be positive");
        assertOneLine(CliTest.run("transfer", "--store", store, "--target-depth", "4", "--proxy-depth", "3"),
                "--proxy-depth 3 was not swept; the sweep has depths [1, 2]");
        assertOneLine(CliTest.run("transfer", "--store", store, "--target-depth", "4", "--target-width", "32"),
                "The sweep varied depth at width 16");
        assertOneLine(CliTest.run("transfer", "--store", store, "--target-depth", "4", "--depth-exponent", "0.5"),
                "--depth-exponent 0.5 is not the sweep's (1.0)");
    }

    @Test
    void sweepDepthBadInput() {
        String store = "jdbc:sqlite:" + dir.resolve("never.db");
        assertOneLine(CliTest.run("sweep", "--task", TINY, "--widths", "32", "--depths", "2,4", "--grid", "log2Lr=-8",
                "--store", store), "--depths: TinyTask has no depth axis");
        assertOneLine(CliTest.run(args("sweep", GPT, "--widths", "16,32", "--depths", "1,2", "--grid", "log2Lr=-8",
                "--store", store)), "give exactly one --widths value");
        assertOneLine(CliTest.run(args("sweep", GPT, "--widths", "16", "--depths", "-1,2", "--grid", "log2Lr=-8",
                "--store", store)), "--depths must be distinct positive integers");
        assertOneLine(CliTest.run(args("sweep", GPT, "--widths", "16", "--depths", "1,2", "--depth-exponent", "2",
                "--grid", "log2Lr=-8", "--store", store)), "--depth-exponent must be in [0, 1]");
        assertOneLine(CliTest.run("sweep", "--task", TINY, "--widths", "32", "--depth-exponent", "1", "--grid",
                "log2Lr=-8", "--store", store), "--depth-exponent needs a task with a depth axis; TinyTask has none");
        assertRefused(CliTest.run("sweep", "--task", TINY, "--widths", "32", "--optimizer", "lamb", "--grid",
                "log2Lr=-8", "--store", store), "use adam, adamw, sgd, adamw-scaled, adam-atan2, lion or lion-independent");
        assertFalse(Files.exists(dir.resolve("never.db")), "bad input creates no store");
    }

    @Test
    void transferFromAWidthSweepRefusesADepth() throws Exception {
        String store = "jdbc:sqlite:" + dir.resolve("width.db");
        CliTest.Run r = CliTest.run("sweep", "--task", TINY, "--param", "mup", "--widths", "32,64", "--steps", "2",
                "--valid-batches", "1", "--optimizer", "adamw-scaled", "--grid", "log2Lr=-8", "--store", store);
        assertEquals(0, r.exitCode(), r.err());
        assertOneLine(CliTest.run("transfer", "--store", store, "--target-depth", "4"),
                "--target-depth and --proxy-depth need a sweep over depth");
        assertOneLine(CliTest.run("transfer", "--store", store), "Missing required option: '--target-width'");
    }

    /** Refused with exit status 2 and the message (picocli adds its usage to an option it cannot convert). */
    private static void assertRefused(CliTest.Run r, String message) {
        assertEquals(2, r.exitCode(), r.err() + r.out());
        assertTrue(r.err().contains(message), "stderr should contain '" + message + "': " + r.err());
    }

    private static void assertOneLine(CliTest.Run r, String message) {
        assertEquals(2, r.exitCode(), r.err() + r.out());
        assertTrue(r.err().contains(message), "stderr should contain '" + message + "': " + r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        assertTrue(r.out().isEmpty(), r.out());
    }
}
