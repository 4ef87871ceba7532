package dev.mup.workflow.sweep;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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
 *
 * <p>{@link #withParallelism(int)} trains several trials at once in one worker, each on its own
 * thread with its share of the engine's intra-op threads (see {@link EngineThreads}); the runner
 * must then be safe to call from several threads, as {@link TaskTrialRunner} is.
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
    private final int parallelism;
    private final int threadsPerTrial;

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
        this(store, workerId, lease, runner, listener, pollInterval, 1, 0);
    }

    private SweepWorker(TrialStore store, String workerId, Duration lease, TrialRunner runner, SweepListener listener,
            Duration pollInterval, int parallelism, int threadsPerTrial) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("a worker trains at least 1 trial at a time, got --parallel " + parallelism);
        }
        if (threadsPerTrial < 0) {
            throw new IllegalArgumentException("threads per trial must be at least 1 (or 0 for the engine's share),"
                    + " got " + threadsPerTrial);
        }
        this.parallelism = parallelism;
        this.threadsPerTrial = threadsPerTrial;
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

    /**
     * This worker, training up to {@code trials} trials at once, each on its own thread. Unless
     * {@link #withThreadsPerTrial(int)} says otherwise, each trial gets
     * {@code max(1, intra-op threads / trials)} of the engine's intra-op threads (the count of the
     * thread that calls {@link #run()}: by default libtorch's, or {@code -Dai.djl.pytorch.num_threads}).
     * The trials share this worker's store, whose methods are serialized; claims are short.
     *
     * @param trials how many trials train at once, at least 1
     * @return the new worker
     * @throws IllegalArgumentException when trials is below 1
     */
    public SweepWorker withParallelism(int trials) {
        return new SweepWorker(store, workerId, lease, runner, listener, pollInterval, trials, threadsPerTrial);
    }

    /**
     * This worker, with each trial's thread set to this many intra-op threads of the engine before
     * it trains (PyTorch only; other engines ignore it). With one trial at a time and no count
     * given, the worker leaves the engine's threads as they are.
     *
     * @param threads at least 1; 0 for the default share
     * @return the new worker
     * @throws IllegalArgumentException when threads is negative
     */
    public SweepWorker withThreadsPerTrial(int threads) {
        return new SweepWorker(store, workerId, lease, runner, listener, pollInterval, parallelism, threads);
    }

    /**
     * How many trials this worker trains at once.
     *
     * @return at least 1
     */
    public int parallelism() {
        return parallelism;
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
        int threads = threadsPerTrial;
        if (threads == 0 && parallelism > 1) {
            threads = Math.max(1, EngineThreads.intraOp().orElse(parallelism) / parallelism);
        }
        SweepListener heard = parallelism > 1 ? new SerializedListener(listener) : listener;
        heard.started(store.progress());
        ScheduledExecutorService renewer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread t = new Thread(task, "mup-sweep-lease-" + workerId);
            t.setDaemon(true);
            return t;
        });
        try {
            if (parallelism == 1) {
                if (threads > 0) {
                    EngineThreads.setIntraOp(threads);
                }
                return claimAndRun(renewer, heard, new AtomicBoolean());
            }
            return runParallel(renewer, heard, threads);
        } finally {
            renewer.shutdownNow();
        }
    }

    /**
     * Runs one given trial until it is recorded, by this call or by another worker: claims it
     * ({@link TrialStore#claim(long, String, Duration)}) and trains it while renewing its lease;
     * while another worker holds it under a live lease, waits, polling, and takes it over when
     * that lease expires. For schedulers that make each trial a task of its own (Spark): a retried
     * or speculative copy of the task records nothing twice, and the task returns only once its
     * trial is finished, so none is lost. Sets the thread's intra-op threads when
     * {@link #withThreadsPerTrial(int)} gave a count.
     *
     * @param id the trial's id in the store
     * @return true when this call recorded the trial, false when another worker did
     * @throws IllegalArgumentException when the store has no trial with that id
     * @throws Exception what the runner threw; the trial is released to other workers first
     */
    public boolean runTrial(long id) throws Exception {
        if (store.trial(id).isEmpty()) {
            throw new IllegalArgumentException("the trial store " + store + " has no trial " + id);
        }
        if (threadsPerTrial > 0) {
            EngineThreads.setIntraOp(threadsPerTrial);
        }
        ScheduledExecutorService renewer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread t = new Thread(task, "mup-sweep-lease-" + workerId);
            t.setDaemon(true);
            return t;
        });
        try {
            while (true) {
                Optional<ClaimedTrial> claimed = store.claim(id, workerId, lease);
                if (claimed.isPresent()) {
                    if (runClaimed(claimed.get(), renewer, listener)) {
                        return true;
                    }
                    continue; // lost the lease while training: whoever holds it now records it, or we retake it
                }
                if (store.trial(id).orElseThrow().status().finished()) {
                    return false;
                }
                listener.waiting(store.progress());
                Thread.sleep(pollInterval.toMillis());
            }
        } finally {
            renewer.shutdownNow();
        }
    }

    /**
     * {@link #parallelism} claim loops on their own threads. When one fails, the others finish
     * the trial they train and stop; the first failure is thrown, the others added to it.
     */
    private int runParallel(ScheduledExecutorService renewer, SweepListener heard, int threads) throws Exception {
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(parallelism, task -> {
            Thread t = new Thread(task, "mup-sweep-trial-" + workerId + "-" + next.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        AtomicBoolean stop = new AtomicBoolean();
        List<Future<Integer>> loops = new ArrayList<>();
        try {
            for (int i = 0; i < parallelism; i++) {
                loops.add(pool.submit(() -> {
                    try {
                        EngineThreads.setIntraOp(threads);
                        return claimAndRun(renewer, heard, stop);
                    } catch (Throwable t) {
                        stop.set(true);
                        throw t;
                    }
                }));
            }
            int finished = 0;
            Exception failure = null;
            for (Future<Integer> loop : loops) {
                try {
                    finished += loop.get();
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof Error error) {
                        throw error;
                    }
                    Exception thrown = cause instanceof Exception ex ? ex : e;
                    if (failure == null) {
                        failure = thrown;
                    } else {
                        failure.addSuppressed(thrown);
                    }
                }
            }
            if (failure != null) {
                throw failure;
            }
            return finished;
        } catch (InterruptedException e) {
            stop.set(true);
            throw e;
        } finally {
            pool.shutdownNow();
        }
    }

    /** One claim loop: claims and runs trials until the sweep is finished or stop is set. */
    private int claimAndRun(ScheduledExecutorService renewer, SweepListener heard, AtomicBoolean stop)
            throws Exception {
        int finished = 0;
        while (!stop.get()) {
            Optional<ClaimedTrial> claimed = store.claim(workerId, lease);
            if (claimed.isEmpty()) {
                SweepProgress progress = store.progress();
                if (progress.finished()) {
                    return finished;
                }
                heard.waiting(progress);
                Thread.sleep(pollInterval.toMillis());
                continue;
            }
            if (runClaimed(claimed.get(), renewer, heard)) {
                finished++;
            }
        }
        return finished;
    }

    /** Runs one claimed trial while renewing its lease; returns whether its result was recorded. */
    private boolean runClaimed(ClaimedTrial trial, ScheduledExecutorService renewer, SweepListener listener)
            throws Exception {
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

    /** A listener that hears one event at a time, for workers that train trials in parallel. */
    private static final class SerializedListener implements SweepListener {

        private final SweepListener delegate;

        SerializedListener(SweepListener delegate) {
            this.delegate = delegate;
        }

        @Override
        public synchronized void started(SweepProgress progress) {
            delegate.started(progress);
        }

        @Override
        public synchronized void trialStarted(ClaimedTrial trial, SweepProgress progress) {
            delegate.trialStarted(trial, progress);
        }

        @Override
        public synchronized void trialFinished(TrialRecord record, SweepProgress progress) {
            delegate.trialFinished(record, progress);
        }

        @Override
        public synchronized void trialLost(ClaimedTrial trial, SweepProgress progress) {
            delegate.trialLost(trial, progress);
        }

        @Override
        public synchronized void waiting(SweepProgress progress) {
            delegate.waiting(progress);
        }
    }
}
