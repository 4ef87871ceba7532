package dev.mup.workflow.sweep;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a sweep's trials from a {@link TrialStore} until none is left. Start the same worker on as
 * many threads, processes or machines as there are to spare, each with its own store: they share
 * the trials through the store's claims, and a worker that dies only delays its trial by one
 * lease.
 *
 * <pre>{@code
 * try (TrialStore store = TrialStore.open("jdbc:sqlite:sweep.db")) {
 *     store.initialize(definitionJson, grid);
 *     int mine = new SweepWorker(store, SweepWorker.defaultWorkerId(), Duration.ofMinutes(2),
 *             spec -> train(spec), SweepListener.NONE).run();
 * }
 * }</pre>
 */
public final class SweepWorker {

    private static final Duration MIN_POLL = Duration.ofMillis(10);
    private static final Duration MAX_POLL = Duration.ofSeconds(5);

    private final TrialStore store;
    private final String workerId;
    private final Duration lease;
    private final TrialRunner runner;
    private final SweepListener listener;
    private final Duration pollInterval;

    /**
     * A worker that polls, while it waits for other workers' trials, every quarter lease
     * (between 10 ms and 5 s).
     *
     * @param store the store, used only by this worker (and its lease-renewing thread)
     * @param workerId the name recorded with the trials it claims
     * @param lease how long a claim holds without renewal; the worker renews every third of it
     * @param runner trains one trial
     * @param listener hears progress; null for none
     */
    public SweepWorker(TrialStore store, String workerId, Duration lease, TrialRunner runner, SweepListener listener) {
        this(store, workerId, lease, runner, listener, defaultPoll(lease));
    }

    /**
     * A worker with its own polling interval.
     *
     * @param store the store, used only by this worker (and its lease-renewing thread)
     * @param workerId the name recorded with the trials it claims
     * @param lease how long a claim holds without renewal; the worker renews every third of it
     * @param runner trains one trial
     * @param listener hears progress; null for none
     * @param pollInterval how long to wait before claiming again while other workers hold every unfinished trial
     */
    public SweepWorker(TrialStore store, String workerId, Duration lease, TrialRunner runner, SweepListener listener,
            Duration pollInterval) {
        this.store = Objects.requireNonNull(store, "store");
        this.runner = Objects.requireNonNull(runner, "runner");
        this.listener = listener == null ? SweepListener.NONE : listener;
        if (workerId == null || workerId.isBlank()) {
            throw new IllegalArgumentException("the worker's id must not be blank");
        }
        this.workerId = workerId;
        if (lease == null || lease.toMillis() < 3) {
            throw new IllegalArgumentException("the lease must be at least 3 ms (the worker renews every third of it), got "
                    + lease);
        }
        this.lease = lease;
        if (pollInterval == null || pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("the poll interval must be positive, got " + pollInterval);
        }
        this.pollInterval = pollInterval;
    }

    private static Duration defaultPoll(Duration lease) {
        if (lease == null) {
            return MIN_POLL; // the constructor rejects the lease
        }
        Duration quarter = lease.dividedBy(4);
        return quarter.compareTo(MIN_POLL) < 0 ? MIN_POLL : quarter.compareTo(MAX_POLL) > 0 ? MAX_POLL : quarter;
    }

    /**
     * A worker id that tells machines and processes apart: {@code host-pid}.
     *
     * @return the id
     */
    public static String defaultWorkerId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "localhost";
        }
        return host + "-" + ProcessHandle.current().pid();
    }

    /**
     * Claims and runs trials until every trial is completed or diverged. While other workers hold
     * live leases on the unfinished trials it waits, polling, so that it takes over the trial of a
     * worker that died once that lease expires. While a trial runs, a background thread renews its
     * lease every third of the lease. A diverged trial is recorded and the worker goes on.
     *
     * @return the number of trials this worker recorded (completed or diverged)
     * @throws IllegalStateException when the store holds no sweep
     * @throws Exception what the runner threw; the trial is released to other workers first
     */
    public int run() throws Exception {
        if (store.definition().isEmpty()) {
            throw new IllegalStateException("the trial store " + store
                    + " holds no sweep: initialize it with the sweep's definition and trials before running workers");
        }
        listener.started(store.progress());
        ScheduledExecutorService renewer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread t = new Thread(task, "mup-sweep-lease-" + workerId);
            t.setDaemon(true);
            return t;
        });
        int finished = 0;
        try {
            while (true) {
                Optional<ClaimedTrial> claimed = store.claim(workerId, lease);
                if (claimed.isEmpty()) {
                    SweepProgress progress = store.progress();
                    if (progress.finished()) {
                        return finished;
                    }
                    listener.waiting(progress);
                    Thread.sleep(pollInterval.toMillis());
                    continue;
                }
                if (runClaimed(claimed.get(), renewer)) {
                    finished++;
                }
            }
        } finally {
            renewer.shutdownNow();
        }
    }

    /** Runs one claimed trial while renewing its lease; returns whether its result was recorded. */
    private boolean runClaimed(ClaimedTrial trial, ScheduledExecutorService renewer) throws Exception {
        long period = Math.max(1, lease.toMillis() / 3);
        ScheduledFuture<?> renewal = renewer.scheduleAtFixedRate(() -> renewQuietly(trial),
                period, period, TimeUnit.MILLISECONDS);
        TrialResult result;
        try {
            listener.trialStarted(trial, store.progress());
            result = runner.run(trial.spec());
            if (result == null) {
                throw new IllegalStateException("the trial runner returned no result for " + trial.spec().key());
            }
        } catch (Throwable t) {
            renewal.cancel(false);
            try {
                store.release(trial);
            } catch (RuntimeException releaseFailure) {
                t.addSuppressed(releaseFailure);
            }
            throw t;
        } finally {
            renewal.cancel(false);
        }
        // A renewal still in flight after this is harmless: completing clears the claim's token,
        // so a late renewal matches no row.
        if (store.complete(trial, result)) {
            listener.trialFinished(store.trial(trial.id()).orElseThrow(), store.progress());
            return true;
        }
        listener.trialLost(trial, store.progress());
        return false;
    }

    private void renewQuietly(ClaimedTrial trial) {
        try {
            store.renew(trial, lease);
        } catch (RuntimeException e) {
            // A failed renewal (a database hiccup) is retried at the next period; if the lease
            // expires meanwhile, completing reports the trial lost instead of recording it twice.
        }
    }
}
