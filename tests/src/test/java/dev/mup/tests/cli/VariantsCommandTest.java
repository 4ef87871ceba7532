package dev.mup.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.mup.workflow.sweep.SweepAnalysis;
import dev.mup.workflow.sweep.TrialStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code variants} on a tiny configuration (widths 32 and 64, two learning rates, three steps):
 * one table row per variant with the numbers of each store's {@link SweepAnalysis}, one store per
 * variant, finished variants not trained again on a rerun, and bad input refused before any
 * training.
 */
class VariantsCommandTest {

    @TempDir Path dir;

    private CliTest.Run variants(String chosen, String... more) {
        List<String> args = new ArrayList<>(List.of("variants", "--variants", chosen, "--widths", "32,64",
                "--grid=-8:-7:1", "--steps", "3", "--valid-batches", "1", "--set", "sequence=16",
                "--dir", dir.resolve("stores").toString()));
        args.addAll(List.of(more));
        return CliTest.run(args.toArray(String[]::new));
    }

    /** The table's data rows: the lines after the header's rule, up to the legend. */
    private static List<String> rows(String out) {
        List<String> lines = out.lines().toList();
        int rule = 0;
        while (!lines.get(rule).startsWith("---")) {
            rule++;
        }
        List<String> rows = new ArrayList<>();
        for (int i = rule + 1; i < lines.size() && !lines.get(i).startsWith("opt@W"); i++) {
            rows.add(lines.get(i));
        }
        return rows;
    }

    @Test
    void printsOneRowPerVariantAndResumesFromItsStores() throws Exception {
        // first only the default: as if a run had been interrupted after it
        CliTest.Run first = variants("default");
        assertEquals(0, first.exitCode(), first.err());
        assertTrue(first.err().contains("sweep: 4 trials, 0 done, 4 to run"), first.err());

        Path json = dir.resolve("report.json");
        CliTest.Run r = variants("default,scalar-gains,sp", "--json", json.toString());
        assertEquals(0, r.exitCode(), r.err());
        // the default's store was finished: nothing of it trains again; the others train
        assertTrue(r.err().contains("variants: [1/3] default"), r.err());
        assertTrue(r.err().contains("sweep: 4 trials, 4 done, 0 to run"), r.err());
        assertEquals(2, r.err().split("sweep: 4 trials, 0 done, 4 to run", -1).length - 1, r.err());
        String defaultSection = r.err().substring(r.err().indexOf("variants: [1/3]"), r.err().indexOf("variants: [2/3]"));
        assertFalse(defaultSection.contains(": train "), "the default's trials are not run again: " + defaultSection);

        List<String> rows = rows(r.out());
        assertEquals(3, rows.size(), r.out());
        assertTrue(rows.get(0).startsWith("default ") && rows.get(0).contains("μP"), rows.get(0));
        assertTrue(rows.get(1).startsWith("scalar-gains ") && rows.get(1).contains("μP"), rows.get(1));
        assertTrue(rows.get(2).startsWith("sp ") && rows.get(2).contains("SP"), rows.get(2));
        assertTrue(r.out().contains("opt@32") && r.out().contains("opt@64") && r.out().contains("transfers"),
                r.out());
        for (String row : rows) {
            assertTrue(row.trim().endsWith("yes") || row.trim().endsWith("no"), row);
        }

        JsonObject report = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
        JsonArray list = report.getAsJsonArray("variants");
        assertEquals(3, list.size());
        String[] names = {"default", "scalar-gains", "sp"};
        for (int i = 0; i < names.length; i++) {
            JsonObject v = list.get(i).getAsJsonObject();
            assertEquals(names[i], v.get("name").getAsString());
            String param = v.get("parametrization").getAsString();
            assertEquals(i == 2 ? "sp" : "mup", param);
            Path store = dir.resolve("stores").resolve(names[i] + ".db");
            assertEquals(store.toString(), v.get("store").getAsString());
            // the report's numbers are the store's analysis, nothing else
            SweepAnalysis a;
            try (TrialStore s = TrialStore.open("jdbc:sqlite:" + store)) {
                a = SweepAnalysis.of(s.trials());
            }
            JsonArray optima = v.getAsJsonArray("optima");
            assertEquals(2, optima.size(), v.toString());
            for (int k = 0; k < 2; k++) {
                JsonObject o = optima.get(k).getAsJsonObject();
                int width = o.get("width").getAsInt();
                assertEquals(a.optimum(param, width).orElseThrow().log2Lr(), o.get("log2Lr").getAsDouble());
                assertEquals(a.optimum(param, width).orElseThrow().loss(), o.get("loss").getAsDouble());
            }
            assertEquals(a.shift(param).getAsInt(), v.get("shift").getAsInt());
            assertEquals(a.transfers(param, 0.01), v.get("transfers").getAsBoolean());
            assertEquals(a.maxRelativeRegret(param).getAsDouble(), v.get("maxRelativeRegret").getAsDouble());
        }
        JsonObject scalar = list.get(1).getAsJsonObject().getAsJsonObject("taskSettings");
        assertEquals("rmsNorm", scalar.get("norm").getAsString());
        assertEquals("scalar", scalar.get("gain").getAsString());

        // a third run trains nothing and prints the same table
        CliTest.Run again = variants("default,scalar-gains,sp");
        assertEquals(0, again.exitCode(), again.err());
        assertEquals(3, again.err().split("sweep: 4 trials, 4 done, 0 to run", -1).length - 1, again.err());
        assertFalse(again.err().contains(": train "), "no trial trained: " + again.err());
        assertEquals(rows, rows(again.out()));
    }

    @Test
    void refusesBadInputBeforeTraining() throws IOException {
        String[][] cases = {
            {"--variants", "default,rms", "unknown variant 'rms'; the variants: default, rms-norm"},
            {"--set", "norm=rmsNorm", "--set norm: the variants choose it; pick them with --variants"},
            {"--set", "layers=0", "gpt setting layers must be a positive integer, got '0'"},
            {"--widths", "64", "--widths needs at least two widths"},
            {"--widths", "40,64", "GPT widths must be positive multiples of the head size 16, got 40"},
        };
        for (String[] c : cases) {
            List<String> args = new ArrayList<>(List.of("variants", "--grid=-8:-7:1", "--steps", "2",
                    "--dir", dir.resolve("bad").toString()));
            if (!List.of(c).contains("--widths")) {
                args.addAll(List.of("--widths", "32,64"));
            }
            args.addAll(List.of(c).subList(0, c.length - 1));
            CliTest.Run r = CliTest.run(args.toArray(String[]::new));
            assertEquals(2, r.exitCode(), String.join(" ", c) + ": " + r.err());
            assertTrue(r.err().contains(c[c.length - 1]), "stderr should contain '" + c[c.length - 1] + "': "
                    + r.err());
            assertFalse(r.err().contains("variants: [1/"), "refused before training: " + r.err());
        }
        assertFalse(Files.exists(dir.resolve("bad")), "no store was created for refused input");
    }
}
