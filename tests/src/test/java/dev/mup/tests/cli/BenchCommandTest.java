package dev.mup.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench} from the command line: the JSON contract on a tiny run, and bad settings refused
 * before anything runs. No assertion on times: they depend on the machine and its load.
 */
class BenchCommandTest {

    @TempDir Path dir;

    private CliTest.Run bench(String widths, String headSize) {
        return CliTest.run("bench", "--widths", widths, "--head-size", headSize, "--warmup", "1", "--steps", "2",
                "--batch", "4", "--sequence", "16", "--json", dir.resolve("bench.json").toString());
    }

    private static double positive(JsonObject o, String field) {
        assertTrue(o.has(field), "missing '" + field + "' in " + o);
        double v = o.get(field).getAsDouble();
        assertTrue(Double.isFinite(v) && v > 0, field + " should be a positive finite number, got " + v);
        return v;
    }

    @Test
    void tinyRunWritesEveryField() throws IOException {
        CliTest.Run r = bench("32,64", "16");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("μP/plain") && r.out().contains("% of matmul"), r.out());
        assertTrue(r.err().contains("bench: width 64"), "progress on stderr: " + r.err());

        JsonObject json = JsonParser.parseString(Files.readString(dir.resolve("bench.json"))).getAsJsonObject();
        positive(json, "matmulGflops");
        assertEquals(1024, json.get("matmulSize").getAsInt());
        assertTrue(json.has("device") && !json.get("device").getAsString().isEmpty(), json.toString());
        assertEquals(16, json.get("headSize").getAsInt());
        assertEquals(2, json.get("steps").getAsInt());
        JsonArray widths = json.getAsJsonArray("widths");
        assertEquals(2, widths.size(), widths.toString());
        List<Integer> expected = List.of(32, 64);
        for (int i = 0; i < widths.size(); i++) {
            JsonObject w = widths.get(i).getAsJsonObject();
            assertEquals(expected.get(i), w.get("width").getAsInt());
            double mup = positive(w, "mupStepMs");
            double plain = positive(w, "plainStepMs");
            assertEquals(mup / plain, positive(w, "overheadRatio"), 1e-9 * mup / plain);
            double gflops = positive(w, "modelGflops");
            double flops = positive(w, "modelFlopsPerStep");
            assertEquals(flops / (mup * 1e6), gflops, 1e-9 * gflops, "model GFLOP/s at the μP median");
            assertEquals(gflops / json.get("matmulGflops").getAsDouble(), positive(w, "fractionOfMatmul"), 1e-12);
            for (String field : List.of("plainModelGflops", "parameters", "mupMinMs", "mupMaxMs", "plainMinMs",
                    "plainMaxMs")) {
                positive(w, field);
            }
            assertTrue(w.get("mupMinMs").getAsDouble() <= mup && mup <= w.get("mupMaxMs").getAsDouble(), w.toString());
            assertTrue(w.get("plainMinMs").getAsDouble() <= plain && plain <= w.get("plainMaxMs").getAsDouble(),
                    w.toString());
        }
        for (JsonElement e : widths) {
            assertTrue(e.getAsJsonObject().get("parameters").getAsLong() > 0);
        }
    }

    private void assertRefused(CliTest.Run r, String message) {
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains(message), "stderr should contain '" + message + "': " + r.err());
        assertFalse(r.err().contains("bench: width"), "refused before any model ran: " + r.err());
        assertFalse(Files.exists(dir.resolve("bench.json")), "nothing written for bad input");
    }

    @Test
    void badSettingsAreRefusedBeforeAnyWork() {
        assertRefused(bench("64,48", "32"), "width 48 is not a multiple of the head size 32");
        assertRefused(bench("16", "32"), "width 16 is smaller than the head size 32");
        assertRefused(bench("64", "0"), "head size must be positive");
        assertRefused(CliTest.run("bench", "--steps", "0", "--json", dir.resolve("bench.json").toString()),
                "steps must be positive");
        assertRefused(CliTest.run("bench", "--batch", "-1", "--json", dir.resolve("bench.json").toString()),
                "batch must be positive");
        assertRefused(CliTest.run("bench", "--sequence", "100000", "--json", dir.resolve("bench.json").toString()),
                "do not fit in built-in corpus");
    }
}
