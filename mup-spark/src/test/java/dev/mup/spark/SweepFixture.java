package dev.mup.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mup.examples.mlp.MlpTask;
import dev.mup.runtime.precision.Precision;
import dev.mup.workflow.sweep.SearchSpace;
import dev.mup.workflow.sweep.SweepSettings;
import dev.mup.workflow.sweep.TrialRecord;
import dev.mup.workflow.sweep.TrialStatus;
import dev.mup.workflow.sweep.TrialStore;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The small sweep of the Spark tests: the example MLP, μP, widths 32 and 64, 4 learning rates. */
final class SweepFixture {

    static final SearchSpace SPACE = SearchSpace.grid(List.of("log2Lr=-10:-7:1"));
    static final int TRIALS = 8;

    private SweepFixture() {}

    static SweepSettings settings(int steps) {
        MlpTask task = new MlpTask();
        return new SweepSettings(MlpTask.class.getName(), task.settings(), List.of("mup"), List.of(32, 64), 1, steps,
                16, "adam", 0.9, 0.999, task.data(), 2, SPACE.describe(), Precision.FP32);
    }

    /** Every trial finished, with a finite loss, each key once; returns the records. */
    static List<TrialRecord> assertEveryTrialRecordedOnce(String storeUrl) {
        try (TrialStore store = TrialStore.open(storeUrl)) {
            List<TrialRecord> trials = store.trials();
            assertEquals(TRIALS, trials.size());
            Set<String> keys = new HashSet<>();
            for (TrialRecord r : trials) {
                assertEquals(TrialStatus.COMPLETED, r.status(), r.spec().key() + " by " + r.worker());
                assertTrue(Double.isFinite(r.result().validLoss()), r.spec().key());
                assertTrue(keys.add(r.spec().key()), "recorded once: " + r.spec().key());
            }
            assertEquals(TRIALS, store.progress().completed());
            return trials;
        }
    }
}
