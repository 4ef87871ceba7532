package dev.mup.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.mup.cli.MupCli;
import dev.mup.tests.support.Reference;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command-line contract: {@code parametrization --json} and the demo, and its bad input. */
public class CliTest {

    /** Exit code, standard output and standard error of one run. */
    public record Run(int exitCode, String out, String err) {}

    public static Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = MupCli.run(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void parametrizationJsonMatchesMupAtWidth4096() {
        JsonObject reference = Reference.json("mlp_parametrization.json");
        Map<String, JsonObject> expected = new HashMap<>();
        for (JsonElement e : reference.getAsJsonObject("widths").getAsJsonArray("4096")) {
            expected.put(e.getAsJsonObject().get("name").getAsString(), e.getAsJsonObject());
        }
        String[][] cases = {
            {"adam", "adam", "default"},
            {"adam-decoupled", "adam_decoupled_wd", "kaiming-normal-fan-in"},
            {"sgd", "sgd", "xavier-normal"},
        };
        Map<String, String> initKeys = Map.of(
                "kaiming-normal-fan-in", "kaiming_normal_fan_in_relu", "xavier-normal", "xavier_normal");
        for (String[] c : cases) {
            Run r = run("parametrization", "--model", "mlp", "--d-in", "3072", "--d-out", "10",
                    "--base-width", "64", "--width", "4096", "--optimizer", c[0], "--init", c[2], "--json");
            assertEquals(0, r.exitCode(), r.err());
            JsonArray parameters = JsonParser.parseString(r.out()).getAsJsonObject().getAsJsonArray("parameters");
            assertEquals(6, parameters.size());
            String[] order = {"input.weight", "input.bias", "hidden.weight", "hidden.bias", "readout.weight", "readout.bias"};
            for (int i = 0; i < order.length; i++) {
                JsonObject p = parameters.get(i).getAsJsonObject();
                assertEquals(order[i], p.get("name").getAsString(), "forward order");
                JsonObject ref = expected.get(Reference.mupName(order[i]));
                assertEquals(ref.getAsJsonArray("shape"), p.getAsJsonArray("shape"), order[i]);
                double std = initKeys.containsKey(c[2]) && order[i].endsWith("weight")
                        ? ref.getAsJsonObject("init_std_mup_init").get(initKeys.get(c[2])).getAsDouble()
                        : ref.get("init_std_default_after_rescale").getAsDouble();
                assertEquals(std, p.get("initStd").getAsDouble(), 1e-12, c[0] + " " + order[i] + " initStd");
                assertEquals(ref.get("forward_multiplier").getAsDouble(),
                        p.get("forwardMultiplier").getAsDouble(), 1e-12, order[i]);
                assertEquals(ref.getAsJsonObject(c[1]).get("lr_mult").getAsDouble(),
                        p.get("lrMultiplier").getAsDouble(), 1e-12, c[0] + " " + order[i] + " lr");
                assertEquals(ref.getAsJsonObject(c[1]).get("weight_decay_mult").getAsDouble(),
                        p.get("weightDecayMultiplier").getAsDouble(), 1e-12, c[0] + " " + order[i] + " wd");
            }
            assertTrue(parameters.get(2).getAsJsonObject().get("role").getAsString().equals("Hidden"));
        }
    }

    @Test
    void parametrizationTableIsAligned() {
        Run r = run("parametrization", "--width", "256");
        assertEquals(0, r.exitCode(), r.err());
        String[] lines = r.out().split("\n");
        assertTrue(lines[0].startsWith("parameter"), r.out());
        assertEquals(8, lines.length, r.out());
        for (String line : lines) {
            assertEquals(lines[0].length(), line.length(), "aligned columns: '" + line + "'");
        }
        assertTrue(r.out().contains("hidden.weight") && r.out().contains("Hidden"), r.out());
    }

    @Test
    void badInputIsRejectedWithAMessage() {
        assertRejected(new String[] {"parametrization", "--width", "0"}, "--width must be a positive integer");
        assertRejected(new String[] {"parametrization", "--base-width", "-4"}, "--base-width");
        assertRejected(new String[] {"parametrization", "--d-in", "0"}, "--d-in");
        assertRejected(new String[] {"parametrization", "--init", "bogus"}, "Invalid init mode 'bogus'");
        assertRejected(new String[] {"parametrization", "--optimizer", "rmsprop"}, "Unknown optimizer 'rmsprop'");
        assertRejected(new String[] {"parametrization", "--model", "vgg"}, "Unknown task 'vgg'");
        assertRejected(new String[] {"demo", "--widths", "64,0"}, "--widths");
        assertRejected(new String[] {"demo", "--steps", "0"}, "--steps, --batch and --lr must be positive");
        assertRejected(new String[] {"demo", "--lr", "-1"}, "--lr must be positive");
        assertRejected(new String[] {"frobnicate"}, "frobnicate");
    }

    private static void assertRejected(String[] args, String message) {
        Run r = run(args);
        assertEquals(2, r.exitCode(), "exit code for " + String.join(" ", args) + "; stderr: " + r.err());
        assertTrue(r.err().contains(message), "stderr should contain '" + message + "': " + r.err());
        assertTrue(r.out().isEmpty(), "nothing on stdout for bad input: " + r.out());
    }

    @Test
    void coordCheckPrintsAVerdictWritesJsonAndDrawsAPlot(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        java.nio.file.Path json = dir.resolve("cc.json");
        java.nio.file.Path png = dir.resolve("plots/cc.png");
        Run r = run("coord-check", "--model", "mlp", "--param", "sp", "--widths", "64,256,1024",
                "--steps", "3", "--lr", "0.01", "--optimizer", "adam", "--seeds", "1",
                "--json", json.toString(), "--plot", png.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("Verdict: NOT FLAT"), r.out());
        assertTrue(r.out().contains("max/min"), r.out());
        JsonArray records = JsonParser.parseString(java.nio.file.Files.readString(json))
                .getAsJsonObject().getAsJsonArray("records");
        assertEquals(3 * 3 * 4, records.size(), "widths × steps × (3 layers + output)");
        JsonObject first = records.get(0).getAsJsonObject();
        for (String key : new String[] {"width", "layer", "t", "l1"}) {
            assertTrue(first.has(key), "record has " + key + ": " + first);
        }
        byte[] header = java.util.Arrays.copyOf(java.nio.file.Files.readAllBytes(png), 8);
        assertEquals("\u0089PNG", new String(header, 0, 4, StandardCharsets.ISO_8859_1), "a PNG file");

        Run mup = run("coord-check", "--widths", "64,256,1024", "--steps", "3", "--seeds", "1");
        assertEquals(0, mup.exitCode(), mup.err());
        assertTrue(mup.out().contains("Verdict: FLAT"), mup.out());
    }

    @Test
    void coordCheckTellsShrinkingLogitsFromGrowth() {
        // μP with a tied readout: hidden layers flat, the logits still shrinking with width at
        // t = 3 (their random part vanishes like 1/√width): not a failure, and said so
        Run mup = run("coord-check", "--model", "gpt", "--tied-readout", "--widths", "64,1024", "--steps", "3",
                "--seeds", "1");
        assertEquals(0, mup.exitCode(), mup.err());
        assertTrue(mup.out().contains("Verdict: FLAT EXCEPT SHRINKING") && mup.out().contains("'readout'"),
                mup.out());
        // SP: hidden layers grow, whatever the logits do
        Run sp = run("coord-check", "--model", "gpt", "--tied-readout", "--param", "sp", "--widths", "64,1024",
                "--steps", "3", "--seeds", "1");
        assertEquals(0, sp.exitCode(), sp.err());
        assertTrue(sp.out().contains("Verdict: NOT FLAT"), sp.out());
    }

    @Test
    void coordCheckRejectsBadInput(@TempDir Path dir) throws IOException {
        assertRejected(new String[] {"coord-check", "--param", "ntk"}, "Unknown --param 'ntk'");
        assertRejected(new String[] {"coord-check", "--widths", "64"}, "--widths needs at least two");
        assertRejected(new String[] {"coord-check", "--widths", "64,-1"}, "--widths needs at least two positive");
        assertRejected(new String[] {"coord-check", "--steps", "0"}, "--steps");
        assertRejected(new String[] {"coord-check", "--lr", "-0.1"}, "--lr must be positive");
        assertRejected(new String[] {"coord-check", "--seeds", "0"}, "--seeds");
        assertRejected(new String[] {"coord-check", "--model", "vgg"}, "Unknown task 'vgg'");
        assertRejected(new String[] {"coord-check", "--text", "x.txt"}, "--text");
        assertRejected(new String[] {"coord-check", "--tied-readout"}, "--tied-readout: mlp has no setting 'tiedReadout'");
        // a GPT text that is missing or not UTF-8 is bad input too, refused before any training
        String missing = dir.resolve("missing.txt").toString();
        assertRejected(new String[] {"coord-check", "--model", "gpt", "--text", missing},
                "--text: " + missing + ": no such text file");
        Path binary = dir.resolve("binary.txt");
        Files.write(binary, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 'x', (byte) 0xc3});
        assertRejected(new String[] {"coord-check", "--model", "gpt", "--text", binary.toString()},
                "is not UTF-8 text");
    }

    @Test
    void anOutputFileThatCannotBeWrittenIsReportedInOneLine(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("not-a-folder"), "x");
        Run r = run("coord-check", "--widths", "64,128", "--steps", "1", "--seeds", "1",
                "--json", file.resolve("cc.json").toString());
        assertEquals(1, r.exitCode(), r.err());
        assertTrue(r.err().contains("mup coord-check: ") && r.err().contains("not-a-folder"), r.err());
        assertTrue(!r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    @Test
    void demoTrainsTwoWidthsAndPrintsTheTableAndLosses() {
        Run r = run("demo", "--widths", "64,256", "--steps", "60", "--batch", "32");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("μP table at width 256"), r.out());
        assertTrue(r.out().contains("hidden.weight"), r.out());
        assertTrue(r.out().contains("width 64") && r.out().contains("width 256"), r.out());
        assertTrue(r.out().contains("1-50") && r.out().contains("51-60"), r.out());
    }
}
