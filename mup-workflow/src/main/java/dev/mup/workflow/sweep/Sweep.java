package dev.mup.workflow.sweep;

import ai.djl.Device;
import dev.mup.workflow.task.MuTask;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;

/**
 * A sweep of a task, from Java: its trials, and a worker that runs them from a store that any
 * number of workers share.
 *
 * <pre>{@code
 * SearchSpace space = SearchSpace.grid(List.of("log2Lr=-12:-4:1"));
 * SweepSettings settings = new SweepSettings("com.acme.MyTask", task.settings(), List.of("mup", "sp"),
 *         List.of(64, 128, 256), 1, 200, 32, "adamw", 0.9, 0.95, task.data(), 8, space.describe(),
 *         Precision.FP32);
 * try (TrialStore store = TrialStore.open("jdbc:sqlite:sweep.db")) {
 *     Sweep.run(store, task, settings, space, SweepWorker.defaultWorkerId(), Duration.ofMinutes(5),
 *             null, SweepListener.NONE);
 * }
 * }</pre>
 */
public final class Sweep {

    private Sweep() {}

    /**
     * The trials of a sweep in the order workers claim them: narrow widths first (cheap, and
     * enough for a first look), then each parametrization, point and seed; in a sweep over depth,
     * shallow depths first at its one width.
     *
     * @param settings the sweep
     * @param points the search space's points
     * @return the trials
     */
    public static List<TrialSpec> trials(SweepSettings settings, List<SortedMap<String, Double>> points) {
        List<TrialSpec> trials = new ArrayList<>();
        if (settings.overDepth()) {
            int width = settings.widths().get(0);
            for (int depth : settings.depths()) {
                for (String param : settings.parametrizations()) {
                    for (SortedMap<String, Double> point : points) {
                        for (int seed = 1; seed <= settings.seeds(); seed++) {
                            trials.add(new TrialSpec(param, width, seed, point, depth));
                        }
                    }
                }
            }
            return trials;
        }
        for (int width : settings.widths()) {
            for (String param : settings.parametrizations()) {
                for (SortedMap<String, Double> point : points) {
                    for (int seed = 1; seed <= settings.seeds(); seed++) {
                        trials.add(new TrialSpec(param, width, seed, point));
                    }
                }
            }
        }
        return trials;
    }

    /**
     * Writes the sweep's definition and trials to the store (or checks that it holds this very
     * sweep), then runs trials until none is left to claim.
     *
     * @param store the shared store
     * @param task the task, configured as {@code settings.taskSettings()} say
     * @param settings the sweep
     * @param space its search space
     * @param workerId this worker's name in the store
     * @param lease how long a claimed trial stays this worker's without renewal
     * @param device where trials train; null for the engine's default
     * @param listener hears progress; null for none
     * @return the trials this worker ran
     * @throws IllegalArgumentException when the task refuses a width or a hyperparameter
     * @throws Exception when the store fails or a trial throws
     */
    public static int run(TrialStore store, MuTask task, SweepSettings settings, SearchSpace space,
            String workerId, Duration lease, Device device, SweepListener listener) throws Exception {
        return run(store, task, settings, space, workerId, lease, device, listener, 1);
    }

    /**
     * As {@link #run(TrialStore, MuTask, SweepSettings, SearchSpace, String, Duration, Device,
     * SweepListener)}, training up to {@code parallel} trials at once, each with its share of the
     * engine's intra-op threads ({@link SweepWorker#withParallelism(int)}).
     *
     * @param store the shared store
     * @param task the task, configured as {@code settings.taskSettings()} say
     * @param settings the sweep
     * @param space its search space
     * @param workerId this worker's name in the store
     * @param lease how long a claimed trial stays this worker's without renewal
     * @param device where trials train; null for the engine's default
     * @param listener hears progress; null for none
     * @param parallel how many trials train at once, at least 1
     * @return the trials this worker ran
     * @throws IllegalArgumentException when the task refuses a width or a hyperparameter, or parallel is below 1
     * @throws Exception when the store fails or a trial throws
     */
    public static int run(TrialStore store, MuTask task, SweepSettings settings, SearchSpace space,
            String workerId, Duration lease, Device device, SweepListener listener, int parallel) throws Exception {
        settings.check(task);
        store.initialize(settings.toJson(), trials(settings, space.points()));
        TaskTrialRunner runner = new TaskTrialRunner(task, settings, device, settings.precision());
        return new SweepWorker(store, workerId, lease, runner, listener).withParallelism(parallel).run();
    }
}
