package dev.mup.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sweep}, {@code report} and {@code transfer} from the command line. */
class SweepCliTest {

    @TempDir Path dir;

    private String store() {
        return "jdbc:sqlite:" + dir.resolve("sweep.db");
    }

    private CliTest.Run sweep(String... extra) {
        String[] base = {"sweep", "--model", "mlp", "--param", "mup,sp", "--widths", "64,128", "--steps", "8",
            "--batch", "16", "--valid-batches", "2", "--optimizer", "adam", "--store", store()};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return CliTest.run(args);
    }

    private void assertRejectedBeforeWriting(CliTest.Run r, String message) {
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains(message), "stderr should contain '" + message + "': " + r.err());
        assertFalse(Files.exists(dir.resolve("sweep.db")), "nothing written for bad input");
    }

    @Test
    void badInputIsRejectedBeforeAnythingIsWritten() {
        assertRejectedBeforeWriting(sweep("--grid", "learningRate=1,2"), "Unknown hyperparameter 'learningRate'");
        assertRejectedBeforeWriting(sweep(), "The grid is empty");
        assertRejectedBeforeWriting(sweep("--grid", "log2Lr=-4:-8:1"), "end not below its start");
        assertRejectedBeforeWriting(sweep("--grid", "log2Lr=a,b"), "'a' in 'log2Lr=a,b' is not a number");
        assertRejectedBeforeWriting(sweep("--grid", "outputMultiplier=0"), "outputMultiplier must be > 0");
        assertRejectedBeforeWriting(sweep("--random", "0", "--range", "log2Lr=-10:-6"), "positive number of points");
        assertRejectedBeforeWriting(sweep("--grid", "log2Lr=-8", "--random", "3"), "not both");
        assertRejectedBeforeWriting(CliTest.run("sweep", "--model", "vgg", "--grid", "log2Lr=-8", "--store", store()),
                "Unknown task 'vgg'");
        CliTest.Run r = CliTest.run("sweep", "--grid", "log2Lr=-8", "--store", "mysql://localhost/x");
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("jdbc:sqlite:"), r.err());
    }

    @Test
    void sweepReportAndTransferOnTheBuiltInData() throws IOException {
        CliTest.Run r = sweep("--grid", "log2Lr=-10:-6:2");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("12 trials (0 diverged)"), r.out());
        assertTrue(r.out().contains("this worker ran 12"), r.out());

        // a rerun of a finished sweep does nothing
        r = sweep("--grid", "log2Lr=-10:-6:2");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("this worker ran 0"), r.out());

        // the same store with another sweep is refused
        r = sweep("--grid", "log2Lr=-10:-6:1");
        assertEquals(1, r.exitCode(), r.err());
        assertTrue(r.err().contains("different sweep"), r.err());

        Path json = dir.resolve("report.json");
        Path png = dir.resolve("report.png");
        r = CliTest.run("report", "--store", store(), "--json", json.toString(), "--plot", png.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("best log2 lr"), r.out());
        JsonObject report = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
        assertEquals(4, report.getAsJsonArray("optima").size(), report.toString());
        assertTrue(report.getAsJsonObject("shift").has("mup"));
        assertTrue(report.getAsJsonObject("widerIsBetter").has("sp"));
        assertTrue(report.getAsJsonObject("fittedShift").has("mup"), report.toString());
        assertTrue(report.getAsJsonObject("transfers").has("sp"), report.toString());
        assertEquals(4, report.getAsJsonArray("transferRegret").size(), report.toString());
        JsonObject proxyRegret = report.getAsJsonArray("transferRegret").get(0).getAsJsonObject();
        assertEquals(64, proxyRegret.get("proxyWidth").getAsInt());
        assertEquals(0.0, proxyRegret.get("regret").getAsDouble(), "the proxy's own regret");
        assertTrue(report.getAsJsonArray("optima").get(0).getAsJsonObject().has("fittedLog2Lr"));
        assertTrue(r.out().contains("transfer regret"), r.out());
        assertTrue(Files.size(png) > 10_000, "a PNG was drawn");

        // the curves of a report can be analysed again without the store
        Path again = dir.resolve("again.json");
        r = CliTest.run("report", "--from-report", json.toString(), "--json", again.toString());
        assertEquals(0, r.exitCode(), r.err());
        JsonObject reanalysed = JsonParser.parseString(Files.readString(again)).getAsJsonObject();
        assertEquals(report.get("optima"), reanalysed.get("optima"));
        assertEquals(report.get("transferRegret"), reanalysed.get("transferRegret"));

        Path target = dir.resolve("target.json");
        // the proxy must be a swept width; nothing is written otherwise
        r = CliTest.run("transfer", "--store", store(), "--proxy-width", "96", "--target-width", "256",
                "--out", target.toString());
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("--proxy-width 96 was not swept"), r.err());
        assertFalse(Files.exists(target), "no transfer written for a bad proxy width");

        r = CliTest.run("transfer", "--store", store(), "--target-width", "256", "--out", target.toString(),
                "--verify");
        assertEquals(0, r.exitCode(), r.err());
        JsonObject transfer = JsonParser.parseString(Files.readString(target)).getAsJsonObject();
        assertEquals(2, transfer.getAsJsonArray("targets").size(), transfer.toString());
        JsonObject mup = transfer.getAsJsonArray("targets").get(0).getAsJsonObject();
        assertEquals(256, mup.get("width").getAsInt());
        assertEquals(64, mup.get("tunedAtWidth").getAsInt());
        assertTrue(mup.get("targetValidationLoss").getAsDouble() > 0, mup.toString());
    }

    @Test
    void reportRejectsBadReanalysisInput() throws IOException {
        CliTest.Run r = CliTest.run("report", "--from-report", dir.resolve("none.json").toString());
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("cannot be read"), r.err());

        Path notAReport = dir.resolve("not-a-report.json");
        Files.writeString(notAReport, "{\"optima\": []}");
        r = CliTest.run("report", "--from-report", notAReport.toString());
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("not a report written by report --json"), r.err());

        Files.writeString(notAReport, "{\"curves\": []}");
        r = CliTest.run("report", "--from-report", notAReport.toString());
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("its curves are empty"), r.err());

        r = CliTest.run("report", "--from-report", notAReport.toString(), "--regret-tolerance", "-0.1");
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("--regret-tolerance must be zero or a positive fraction"), r.err());
    }

    @Test
    void reportOfAMissingStoreSaysSo() {
        CliTest.Run r = CliTest.run("report", "--store", store());
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("No sweep store"), r.err());
        assertFalse(Files.exists(dir.resolve("sweep.db")));
    }
}
