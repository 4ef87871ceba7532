package dev.mup.tests.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mup.runtime.MuOptions;
import dev.mup.runtime.Parametrization;
import dev.mup.runtime.coord.CoordinateCheckResult;
import dev.mup.runtime.precision.Precision;
import dev.mup.workflow.coord.CoordinateCheckReport;
import dev.mup.workflow.coord.TaskCoordinateCheck;
import dev.mup.workflow.coord.Verdict;
import dev.mup.workflow.sweep.SearchSpace;
import dev.mup.workflow.sweep.Sweep;
import dev.mup.workflow.sweep.SweepAnalysis;
import dev.mup.workflow.sweep.SweepSettings;
import dev.mup.workflow.sweep.TaskTrialRunner;
import dev.mup.workflow.sweep.TrialStore;
import dev.mup.workflow.sweep.Transfer;
import dev.mup.workflow.task.MuTask;
import dev.mup.workflow.task.Tasks;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The workflow from Java on a task that is not an example: coordinate check, sweep, analysis, transfer. */
class WorkflowApiTest {

    private static CoordinateCheckResult check(Parametrization p) {
        return TaskCoordinateCheck.builder(new TinyTask())
                .options(MuOptions.builder().parametrization(p).build())
                .widths(List.of(64, 256, 1024))
                .steps(3)
                .seeds(1)
                .build()
                .run((done, total) -> {});
    }

    @Test
    void coordinateCheckVerdictTellsMupFromSp() {
        CoordinateCheckResult mup = check(Parametrization.MUP);
        assertEquals(Verdict.Kind.FLAT, CoordinateCheckReport.verdict(mup).kind(),
                CoordinateCheckReport.table(mup, "μP"));
        CoordinateCheckResult sp = check(Parametrization.SP);
        assertEquals(Verdict.Kind.NOT_FLAT, CoordinateCheckReport.verdict(sp).kind(),
                CoordinateCheckReport.table(sp, "SP"));
        String table = CoordinateCheckReport.table(sp, "SP");
        assertTrue(table.contains("mid") && table.contains("Verdict: NOT FLAT"), table);
    }

    @Test
    void aTaskRefusesWidthsItCannotBuild() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TaskCoordinateCheck.builder(new TinyTask()).widths(List.of(64, 100)));
        assertTrue(e.getMessage().contains("multiples of 8"), e.getMessage());
    }

    @Test
    void sweepAnalysisAndTransfer(@TempDir Path dir) throws Exception {
        MuTask task = Tasks.create(TinyTask.class.getName());
        SearchSpace space = SearchSpace.grid(List.of("log2Lr=-8:-4:2"));
        SweepSettings settings = new SweepSettings(TinyTask.class.getName(), task.settings(), List.of("mup", "sp"),
                List.of(32, 64), 1, 6, 16, "adam", 0.9, 0.999, task.data(), 1, space.describe(), Precision.FP32);
        List<String> events = new ArrayList<>();
        try (TrialStore store = TrialStore.open("jdbc:sqlite:" + dir.resolve("tiny.db"))) {
            int ran = Sweep.run(store, task, settings, space, "test", Duration.ofMinutes(1), null, null);
            assertEquals(2 * 2 * 3, ran);
            assertEquals(settings, SweepSettings.fromJson(store.definition().orElseThrow()));
            SweepAnalysis analysis = SweepAnalysis.of(store.trials());
            assertEquals(4, analysis.optima().size(), analysis.optima().toString());
            List<Transfer.Result> results = Transfer.run(analysis, settings.parametrizations(), 32, 128,
                    new TaskTrialRunner(task, settings, null, Precision.FP32),
                    (param, width) -> events.add(param + "@" + width));
            assertEquals(List.of("mup@128", "sp@128"), events);
            assertEquals(2, results.size());
            for (Transfer.Result r : results) {
                assertNotNull(r.target());
                assertTrue(r.target().validLoss() > 0, r.toString());
                assertTrue(r.hyperparameters().containsKey("log2Lr"), r.toString());
            }
        }
    }

    @Test
    void aSweepRefusesHyperparametersTheTaskDoesNotAccept() {
        MuTask task = new TinyTask();
        SearchSpace space = SearchSpace.grid(List.of("attentionMultiplier=1,2"));
        SweepSettings settings = new SweepSettings("tiny", task.settings(), List.of("mup"), List.of(32), 1, 1, 4,
                "adam", 0.9, 0.999, task.data(), 1, space.describe(), Precision.FP32);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> settings.check(task));
        assertTrue(e.getMessage().contains("does not accept attentionMultiplier"), e.getMessage());
    }
}
