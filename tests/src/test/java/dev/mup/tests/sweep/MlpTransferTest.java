package dev.mup.tests.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.mup.cli.MupCli;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * μTransfer in miniature: a learning-rate sweep of the example MLP on the built-in teacher task
 * at widths 64, 256 and 1024 (16×), μP and SP with Adam. Under μP the best learning rate stays
 * put (at most one grid step); under SP it moves down as the width grows (at least two steps).
 */
class MlpTransferTest {

    @Test
    void theMupOptimumIsStableAcrossWidthsAndTheSpOptimumMoves(@TempDir Path dir) throws IOException {
        String store = "jdbc:sqlite:" + dir.resolve("mlp.db");
        Path json = dir.resolve("report.json");
        int code = quietly("sweep", "--model", "mlp", "--param", "mup,sp", "--widths", "64,256,1024",
                "--steps", "50", "--batch", "32", "--valid-batches", "4", "--optimizer", "adam",
                "--beta2", "0.999", "--grid", "log2Lr=-11:-5:1", "--store", store);
        assertEquals(0, code);
        assertEquals(0, quietly("report", "--store", store, "--json", json.toString()));
        JsonObject report = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
        int mupShift = report.getAsJsonObject("shift").get("mup").getAsInt();
        int spShift = report.getAsJsonObject("shift").get("sp").getAsInt();
        assertTrue(mupShift <= 1, "μP optimum moves " + mupShift + " grid steps: " + report.get("optima"));
        assertTrue(spShift >= 2, "SP optimum moves only " + spShift + " grid steps: " + report.get("optima"));
        assertTrue(report.getAsJsonObject("widerIsBetter").get("mup").getAsBoolean(),
                "under μP wider is better: " + report.get("optima"));
    }

    private static int quietly(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        try {
            System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            return MupCli.run(args);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }
}
