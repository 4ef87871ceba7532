package dev.mup.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.mup.runtime.precision.Precision;
import dev.mup.workflow.sweep.ClaimedTrial;
import dev.mup.workflow.sweep.SearchSpace;
import dev.mup.workflow.sweep.Sweep;
import dev.mup.workflow.sweep.SweepSettings;
import dev.mup.workflow.sweep.TrialResult;
import dev.mup.workflow.sweep.TrialSpec;
import dev.mup.workflow.sweep.TrialStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code report --metric} and {@code transfer --metric}, and the report's warning when the
 * validation and training losses disagree about an optimum, on stores whose losses are written by
 * the test (no training): the training loss is lowest at log2 lr −5 at both widths; the
 * validation loss agrees at width 64 but, as a BatchNorm model scored with running statistics
 * can, is lowest three grid steps lower at width 128.
 */
class ReportMetricCliTest {

    @TempDir Path dir;

    private static double trainLoss(TrialSpec s) {
        double x = s.hyperparameters().get("log2Lr");
        return 1.0 + 0.01 * (x + 5) * (x + 5) + (s.width() == 128 ? -0.1 : 0);
    }

    private static double validLossApart(TrialSpec s) {
        double x = s.hyperparameters().get("log2Lr");
        double best = s.width() == 128 ? -8 : -5;
        return 1.2 + 0.02 * (x - best) * (x - best);
    }

    /** A store of a finished μP sweep at widths 64 and 128, log2 lr −9…−3, with the given losses. */
    private String store(String name, ToDoubleFunction<TrialSpec> valid) {
        String url = "jdbc:sqlite:" + dir.resolve(name);
        SweepSettings settings = new SweepSettings("mlp", Map.of(), List.of("mup"), List.of(64, 128), 1, 10, 16,
                "adam", 0.9, 0.95, "mlp", 2, SearchSpace.grid(List.of("log2Lr=-9:-3:1")).describe(), Precision.FP32);
        List<TrialSpec> trials = Sweep.trials(settings, SearchSpace.grid(List.of("log2Lr=-9:-3:1")).points());
        try (TrialStore store = TrialStore.open(url)) {
            store.initialize(settings.toJson(), trials);
            ClaimedTrial t;
            while ((t = store.claim("test", Duration.ofMinutes(1)).orElse(null)) != null) {
                store.complete(t, new TrialResult(trainLoss(t.spec()), valid.applyAsDouble(t.spec()), 10, 0.1));
            }
        }
        return url;
    }

    private static JsonObject json(Path file) throws IOException {
        return JsonParser.parseString(Files.readString(file)).getAsJsonObject();
    }

    private static double optimum(JsonObject report, int width) {
        for (var e : report.getAsJsonArray("optima")) {
            JsonObject o = e.getAsJsonObject();
            if (o.get("width").getAsInt() == width) {
                return o.get("log2Lr").getAsDouble();
            }
        }
        throw new AssertionError("no optimum at width " + width + ": " + report);
    }

    @Test
    void theReportReadsTheMetricAskedForAndWarnsWhereTheTwoDisagree() throws IOException {
        String url = store("apart.db", ReportMetricCliTest::validLossApart);

        Path validJson = dir.resolve("valid.json");
        CliTest.Run r = CliTest.run("report", "--store", url, "--json", validJson.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("validation loss"), r.out());
        assertTrue(r.out().contains("Warning: at width 128 the μP optimum of the validation loss (log2 lr -8) is 3"
                + " grid steps from that of the training loss (log2 lr -5)"), r.out());
        assertFalse(r.out().contains("at width 64 the μP optimum"), "the metrics agree at width 64: " + r.out());
        assertTrue(r.out().contains("--metric training"), r.out());
        JsonObject valid = json(validJson);
        assertEquals("validation", valid.get("metric").getAsString());
        assertEquals(-5, optimum(valid, 64));
        assertEquals(-8, optimum(valid, 128));
        assertEquals(3, valid.getAsJsonObject("shift").get("mup").getAsInt());
        assertEquals(1, valid.getAsJsonArray("metricDisagreements").size(), valid.toString());
        JsonObject apart = valid.getAsJsonArray("metricDisagreements").get(0).getAsJsonObject();
        assertEquals(128, apart.get("width").getAsInt());
        assertEquals(-8, apart.get("log2Lr").getAsDouble());
        assertEquals("training", apart.get("otherMetric").getAsString());
        assertEquals(-5, apart.get("otherLog2Lr").getAsDouble());
        assertEquals(3, apart.get("gridSteps").getAsInt());
        // the summary gives the fitted optimum's direction: down from about -5 to about -8
        assertTrue(r.out().matches("(?s).*fitted optimum \\d\\.\\d\\d grid step\\(s\\) \\(log2 lr -5\\.\\d\\d → -8\\.\\d\\d\\).*"),
                r.out());

        Path trainJson = dir.resolve("train.json");
        r = CliTest.run("report", "--store", url, "--metric", "training", "--json", trainJson.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("training loss"), r.out());
        assertFalse(r.out().contains("validation loss |"), r.out());
        assertTrue(r.out().contains("Warning: at width 128 the μP optimum of the training loss (log2 lr -5) is 3"
                + " grid steps from that of the validation loss (log2 lr -8)"), r.out());
        assertTrue(r.out().contains("This report reads the training loss"), r.out());
        assertFalse(r.out().contains("read the sweep on the training loss"), "it already does: " + r.out());
        JsonObject train = json(trainJson);
        assertEquals("training", train.get("metric").getAsString());
        assertEquals(-5, optimum(train, 64));
        assertEquals(-5, optimum(train, 128));
        assertEquals(0, train.getAsJsonObject("shift").get("mup").getAsInt());
        assertTrue(train.getAsJsonObject("transfers").get("mup").getAsBoolean(), train.toString());

        // an earlier report is re-read on the loss it was written with
        r = CliTest.run("report", "--from-report", trainJson.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("training loss"), r.out());

        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, Files.readString(trainJson).replace("\"metric\": \"training\"", "\"metric\": \"accuracy\""));
        r = CliTest.run("report", "--from-report", bad.toString());
        assertEquals(2, r.exitCode(), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line, no usage: " + r.err());
        assertTrue(r.err().contains("the loss metric must be validation or training, got 'accuracy'"), r.err());
    }

    @Test
    void noWarningWhereTheMetricsAgree() {
        String url = store("agree.db", s -> trainLoss(s) + 0.3);
        CliTest.Run r = CliTest.run("report", "--store", url);
        assertEquals(0, r.exitCode(), r.err());
        assertFalse(r.out().contains("Warning"), r.out());
    }

    @Test
    void transferCopiesTheOptimumOfTheMetricAskedFor() throws IOException {
        String url = store("transfer.db", ReportMetricCliTest::validLossApart);
        Path out = dir.resolve("transfer.json");
        CliTest.Run r = CliTest.run("transfer", "--store", url, "--proxy-width", "128", "--target-width", "512",
                "--metric", "training", "--out", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        JsonObject config = json(out);
        assertEquals("training", config.get("metric").getAsString());
        JsonObject mup = config.getAsJsonArray("targets").get(0).getAsJsonObject();
        assertEquals(-5, mup.getAsJsonObject("hyperparameters").get("log2Lr").getAsDouble(), mup.toString());
        assertEquals(0.9, mup.get("proxyTrainingLoss").getAsDouble(), 1e-12, mup.toString());
        assertFalse(mup.has("proxyValidationLoss"), mup.toString());
        assertTrue(r.out().contains("proxy training loss"), r.out());
        // the two losses disagree at the proxy width: the copy depends on the metric, and it says so
        assertTrue(r.out().contains("Warning: at width 128 the μP optimum of the training loss (log2 lr -5) is 3"
                + " grid steps from that of the validation loss (log2 lr -8)"), r.out());

        r = CliTest.run("transfer", "--store", url, "--proxy-width", "128", "--target-width", "512",
                "--out", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        mup = json(out).getAsJsonArray("targets").get(0).getAsJsonObject();
        assertEquals(-8, mup.getAsJsonObject("hyperparameters").get("log2Lr").getAsDouble(), mup.toString());
        assertEquals(1.2, mup.get("proxyValidationLoss").getAsDouble(), 1e-12, mup.toString());
        assertTrue(r.out().contains("Warning: at width 128"), r.out());

        // where they agree (width 64), nothing to warn about
        r = CliTest.run("transfer", "--store", url, "--target-width", "512", "--out", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertFalse(r.out().contains("Warning"), r.out());
    }

    @Test
    void badMetricsAreOneLineWithExitTwo() throws IOException {
        String url = store("bad.db", ReportMetricCliTest::validLossApart);
        CliTest.Run r = CliTest.run("report", "--store", url, "--metric", "loss");
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("--metric must be validation or training, got 'loss'"), r.err());

        r = CliTest.run("transfer", "--store", url, "--target-width", "512", "--metric", "accuracy",
                "--out", dir.resolve("t.json").toString());
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("--metric must be validation or training, got 'accuracy'"), r.err());

        Path report = dir.resolve("r.json");
        assertEquals(0, CliTest.run("report", "--store", url, "--json", report.toString()).exitCode());
        r = CliTest.run("report", "--from-report", report.toString(), "--metric", "training");
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("--metric reads a store"), r.err());
    }
}
