package dev.mup.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.mup.workflow.sweep.TrialRecord;
import dev.mup.workflow.sweep.TrialStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Adam's ε ({@code --epsilon}, {@code --epsilon-scaling}), the optimizers adam-atan2 and Lion, and
 * the ε probe ({@code coord-check --epsilon-probe}) on the command line.
 */
class EpsilonCliTest {

    @TempDir Path dir;

    private static void assertRejectedInOneLine(CliTest.Run r, String message) {
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains(message), "stderr should contain '" + message + "': " + r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        assertTrue(r.out().isEmpty(), "nothing on stdout for bad input: " + r.out());
    }

    private static String[] concat(String[] base, String... extra) {
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return args;
    }

    private static CliTest.Run coordCheck(String... extra) {
        return CliTest.run(concat(new String[] {"coord-check", "--model", "mlp", "--widths", "64,256", "--steps",
            "3", "--seeds", "1", "--batch", "16"}, extra));
    }

    private CliTest.Run sweep(String store, String... extra) {
        return CliTest.run(concat(new String[] {"sweep", "--model", "mlp", "--param", "mup", "--widths", "64,128",
            "--steps", "6", "--batch", "16", "--valid-batches", "2", "--grid", "log2Lr=-8",
            "--store", "jdbc:sqlite:" + dir.resolve(store)}, extra));
    }

    @Test
    void coordCheckRefusesEpsilonOptionsThatMeanNothing() {
        assertRejectedInOneLine(coordCheck("--epsilon-scaling", "bogus"),
                "Unknown --epsilon-scaling 'bogus': use fixed, hidden or global");
        assertRejectedInOneLine(coordCheck("--epsilon", "0"), "--epsilon must be a positive number");
        assertRejectedInOneLine(coordCheck("--epsilon", "-1e-8"), "--epsilon must be a positive number");
        assertRejectedInOneLine(coordCheck("--optimizer", "adam-atan2", "--epsilon", "1e-6"),
                "--epsilon applies to Adam's ε");
        assertRejectedInOneLine(coordCheck("--optimizer", "adam-atan2", "--epsilon-scaling", "hidden"),
                "adam-atan2 has no ε");
        assertRejectedInOneLine(coordCheck("--optimizer", "lion", "--epsilon-scaling", "hidden"),
                "lion adds no ε to its step");
        assertRejectedInOneLine(coordCheck("--optimizer", "sgd", "--epsilon", "1e-6"), "sgd adds no ε");
        assertRejectedInOneLine(coordCheck("--optimizer", "sgd", "--epsilon-probe"),
                "--epsilon-probe reads Adam's √v̂ and ε");
        assertRejectedInOneLine(coordCheck("--optimizer", "adam-atan2", "--epsilon-probe", "10"),
                "adam-atan2 has no ε");
        assertRejectedInOneLine(coordCheck("--optimizer", "lion-independent", "--epsilon-probe", "10"),
                "lion-independent adds no ε");
        assertRejectedInOneLine(coordCheck("--epsilon-probe", "0"), "--epsilon-probe K must be a positive number");
        assertRejectedInOneLine(coordCheck("--epsilon-probe-plot", "probe.png"),
                "--epsilon-probe-plot draws the ε probe: add --epsilon-probe");
        CliTest.Run r = coordCheck("--optimizer", "rmsprop");
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("adam-atan2, lion or lion-independent"), r.err());
    }

    @Test
    void sweepAndTransferRefuseEpsilonOptionsThatMeanNothing() {
        for (String[] bad : new String[][] {
            {"--epsilon-scaling", "nope", "Unknown --epsilon-scaling 'nope'"},
            {"--epsilon", "-1", "--epsilon must be a positive number"},
            {"--optimizer", "adam-atan2", "--epsilon", "1e-6", "adam-atan2 has no ε"},
            {"--optimizer", "lion", "--epsilon-scaling", "hidden", "lion adds no ε"},
            {"--optimizer", "sgd", "--epsilon-scaling", "global", "sgd adds no ε"},
        }) {
            String[] options = java.util.Arrays.copyOf(bad, bad.length - 1);
            assertRejectedInOneLine(sweep("bad.db", options), bad[bad.length - 1]);
            assertFalse(Files.exists(dir.resolve("bad.db")), "nothing written for bad input");
        }
        assertRejectedInOneLine(CliTest.run("transfer", "--store", "jdbc:sqlite:" + dir.resolve("none.db"),
                "--target-width", "256", "--epsilon-scaling", "hidden"), "--epsilon-scaling sets the ε the target"
                        + " trains with: it needs --verify");
    }

    /** Every record of a coordinate check's JSON, by "width/layer/t". */
    private static Map<String, Double> records(Path json) throws IOException {
        Map<String, Double> out = new TreeMap<>();
        JsonObject root = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
        for (JsonElement e : root.getAsJsonArray("records")) {
            JsonObject r = e.getAsJsonObject();
            out.put(r.get("width").getAsInt() + "/" + r.get("layer").getAsString() + "/" + r.get("t").getAsInt(),
                    r.get("l1").getAsDouble());
        }
        return out;
    }

    private Map<String, Double> coordCheckRecords(String name, String... options) throws IOException {
        Path json = dir.resolve(name + ".json");
        CliTest.Run r = coordCheck(concat(options, "--json", json.toString()));
        assertEquals(0, r.exitCode(), r.err());
        return records(json);
    }

    private static Map<String, Double> at(Map<String, Double> records, String prefix) {
        Map<String, Double> out = new TreeMap<>();
        records.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k, v);
            }
        });
        return out;
    }

    @Test
    void theOptimizerAndTheEpsilonReachTheCoordinateCheck() throws IOException {
        Map<String, Double> adam = coordCheckRecords("adam", "--optimizer", "adam");
        Map<String, Double> lion = coordCheckRecords("lion", "--optimizer", "lion");
        Map<String, Double> atan2 = coordCheckRecords("atan2", "--optimizer", "adam-atan2");
        // t = 1 is the forward pass before any update: the same models, the same activations
        assertEquals(at(adam, "256/output/1"), at(lion, "256/output/1"));
        assertEquals(at(adam, "256/output/1"), at(atan2, "256/output/1"));
        // after updates the three optimizers move the weights differently
        assertNotEquals(adam.get("256/output/3"), lion.get("256/output/3"));
        assertNotEquals(adam.get("256/output/3"), atan2.get("256/output/3"));
        assertNotEquals(lion.get("256/output/3"), atan2.get("256/output/3"));

        // ε = 1e-4 is comparable to √v̂ here: it changes the steps; scaled by 1/m_in on hidden
        // matrices it is the same ε at base width (64) and a smaller one at 256
        Map<String, Double> fixed = coordCheckRecords("fixed", "--epsilon", "1e-4", "--epsilon-scaling", "fixed");
        Map<String, Double> hidden = coordCheckRecords("hidden", "--epsilon", "1e-4", "--epsilon-scaling", "hidden");
        assertNotEquals(adam.get("256/output/3"), fixed.get("256/output/3"), "--epsilon reaches Adam");
        assertEquals(at(fixed, "64/"), at(hidden, "64/"), "at base width both rules give ε");
        assertNotEquals(fixed.get("256/output/3"), hidden.get("256/output/3"), "--epsilon-scaling reaches Adam");
    }

    @Test
    void epsilonProbeIsPrintedAndWrittenPerWidth() throws IOException {
        Path json = dir.resolve("probe.json");
        CliTest.Run r = coordCheck("--epsilon", "1e-4", "--epsilon-probe", "--json", json.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("ε probe: fraction of hidden-weight entries with Adam √v̂ < 10·ε, per width"),
                r.out());
        assertTrue(r.out().contains("t = 3"), r.out());
        assertFalse(r.out().contains("adam.sqrtV_below_eps"), "the probe is not a layer of the activation table: "
                + r.out());
        assertTrue(r.out().contains("Verdict: FLAT"), r.out());
        JsonObject root = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
        JsonObject probe = root.getAsJsonObject("epsilonProbe");
        assertEquals(10.0, probe.get("factor").getAsDouble());
        JsonArray records = probe.getAsJsonArray("records");
        assertEquals(2 * 3, records.size(), "widths × steps: " + probe);
        Map<Integer, Double> last = new TreeMap<>();
        for (JsonElement e : records) {
            JsonObject p = e.getAsJsonObject();
            double fraction = p.get("fraction").getAsDouble();
            assertTrue(fraction >= 0 && fraction <= 1, "a fraction: " + p);
            if (p.get("t").getAsInt() == 3) {
                last.put(p.get("width").getAsInt(), fraction);
            }
        }
        assertEquals(3 * 2 * 4, root.getAsJsonArray("records").size(), "activations: widths × steps × 4 layers");
        // fixed ε = 1e-4 under μP: more entries below 10·ε at 4× the width (the gradients shrink)
        assertTrue(last.get(256) > last.get(64), "the fraction rises with width under a fixed ε: " + last);

        // K other than 10, and the scaled ε: the table says which K
        Path png = dir.resolve("plots/probe.png");
        r = coordCheck("--epsilon", "1e-4", "--epsilon-scaling", "hidden", "--epsilon-probe", "3",
                "--epsilon-probe-plot", png.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("√v̂ < 3·ε"), r.out());
        byte[] header = java.util.Arrays.copyOf(Files.readAllBytes(png), 4);
        assertEquals("\u0089PNG", new String(header, java.nio.charset.StandardCharsets.ISO_8859_1), "a PNG file");
    }

    private static Map<String, Double> validLosses(String store) {
        Map<String, Double> out = new TreeMap<>();
        try (TrialStore trials = TrialStore.open(store)) {
            for (TrialRecord t : trials.trials()) {
                out.put(t.spec().width() + "/" + t.spec().seed(), t.result().validLoss());
            }
        }
        return out;
    }

    private static String definition(String store) {
        try (TrialStore trials = TrialStore.open(store)) {
            return trials.definition().orElseThrow();
        }
    }

    @Test
    void theSweepStoresTheOptimizerAndEpsilonAndTrainsWithThem() throws IOException {
        String adam = "jdbc:sqlite:" + dir.resolve("adam.db");
        String lion = "jdbc:sqlite:" + dir.resolve("lion.db");
        String atan2 = "jdbc:sqlite:" + dir.resolve("atan2.db");
        String hidden = "jdbc:sqlite:" + dir.resolve("hidden.db");
        String fixed = "jdbc:sqlite:" + dir.resolve("fixed.db");
        assertEquals(0, sweep("adam.db", "--optimizer", "adam").exitCode());
        CliTest.Run r = sweep("lion.db", "--optimizer", "lion");
        assertEquals(0, r.exitCode(), r.err());
        r = sweep("atan2.db", "--optimizer", "adam-atan2");
        assertEquals(0, r.exitCode(), r.err());
        assertEquals(0, sweep("fixed.db", "--optimizer", "adam", "--epsilon", "1e-4").exitCode());
        r = sweep("hidden.db", "--optimizer", "adam", "--epsilon", "1e-4", "--epsilon-scaling", "hidden");
        assertEquals(0, r.exitCode(), r.err());

        JsonObject stored = JsonParser.parseString(definition(hidden)).getAsJsonObject();
        assertEquals("HIDDEN", stored.get("epsilonScaling").getAsString());
        assertEquals(1e-4, stored.get("epsilon").getAsDouble());
        assertEquals("lion", JsonParser.parseString(definition(lion)).getAsJsonObject().get("optimizer").getAsString());
        assertFalse(definition(adam).contains("epsilon"), "a sweep with the default ε stores its old definition");

        Map<String, Double> adamLoss = validLosses(adam);
        Map<String, Double> lionLoss = validLosses(lion);
        assertNotEquals(adamLoss.get("64/1"), lionLoss.get("64/1"), "Lion trains, not Adam");
        Map<String, Double> atan2Loss = validLosses(atan2);
        assertNotEquals(adamLoss.get("64/1"), atan2Loss.get("64/1"), "Adam-atan2 trains, not Adam");
        assertNotEquals(lionLoss.get("64/1"), atan2Loss.get("64/1"), "Adam-atan2 trains, not Lion");
        Map<String, Double> fixedLoss = validLosses(fixed);
        Map<String, Double> hiddenLoss = validLosses(hidden);
        assertNotEquals(adamLoss.get("64/1"), fixedLoss.get("64/1"), "--epsilon reaches the trials");
        assertEquals(fixedLoss.get("64/1"), hiddenLoss.get("64/1"), "the same ε at base width");
        assertNotEquals(fixedLoss.get("128/1"), hiddenLoss.get("128/1"), "ε/m_in at twice the base width");

        // another worker joining with other ε options is another sweep: refused
        r = sweep("hidden.db", "--optimizer", "adam", "--epsilon", "1e-4");
        assertEquals(1, r.exitCode(), r.err());
        assertTrue(r.err().contains("different sweep"), r.err());

        // transfer trains the target with the sweep's ε, or the one asked for, and says which
        Path target = dir.resolve("target.json");
        r = CliTest.run("transfer", "--store", hidden, "--target-width", "128", "--out", target.toString(), "--verify");
        assertEquals(0, r.exitCode(), r.err());
        JsonObject transfer = JsonParser.parseString(Files.readString(target)).getAsJsonObject();
        assertEquals("hidden", transfer.get("epsilonScaling").getAsString());
        assertEquals(1e-4, transfer.get("epsilon").getAsDouble());
        double sweptTarget = transfer.getAsJsonArray("targets").get(0).getAsJsonObject()
                .get("targetValidationLoss").getAsDouble();
        assertEquals(hiddenLoss.get("128/1"), sweptTarget, 0.0, "transfer reproduces the sweep's trial");

        r = CliTest.run("transfer", "--store", hidden, "--target-width", "128", "--out", target.toString(), "--verify",
                "--epsilon-scaling", "fixed");
        assertEquals(0, r.exitCode(), r.err());
        transfer = JsonParser.parseString(Files.readString(target)).getAsJsonObject();
        assertEquals("fixed", transfer.get("epsilonScaling").getAsString());
        assertEquals(fixedLoss.get("128/1"), transfer.getAsJsonArray("targets").get(0).getAsJsonObject()
                .get("targetValidationLoss").getAsDouble(), 0.0, "the target trained with a fixed ε");

        assertRejectedInOneLine(CliTest.run("transfer", "--store", lion, "--target-width", "128", "--out",
                target.toString(), "--verify", "--epsilon", "1e-6"), "lion adds no ε");
    }
}
