package dev.mup.workflow.sweep;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The durable record of a sweep: its definition and every trial with its status, lease and
 * result, in a database so that a sweep survives crashes and several workers can share it.
 *
 * <ul>
 *   <li>{@code jdbc:sqlite:sweep.db}: an embedded file, for workers on one machine (threads or
 *       processes). Claims take SQLite's write lock ({@code BEGIN IMMEDIATE}); leases use the
 *       local clock.</li>
 *   <li>{@code jdbc:postgresql://host/db?user=..&password=..}: for workers on several machines
 *       running the same command. Claims lock one row with {@code FOR UPDATE SKIP LOCKED}, so
 *       workers never wait on each other; leases use the server's clock, so machines whose clocks
 *       disagree still agree on when a lease expires. Add {@code currentSchema=NAME} to keep
 *       several stores in one database.</li>
 * </ul>
 *
 * <p>A trial is claimed with a lease that its worker renews while it trains. A worker that dies
 * stops renewing; once the lease expired, another worker claims the trial again. Every claim gets
 * a fresh token, and only the holder of the current token can complete the trial, so no trial is
 * recorded twice.
 *
 * <p>An instance holds one connection and may be shared by threads (its methods are
 * serialized), but threads that should work concurrently each open their own.
 */
public interface TrialStore extends AutoCloseable {

    /**
     * Connects, creates the schema when the database is empty, and checks its schema version.
     *
     * @param jdbcUrl {@code jdbc:sqlite:FILE} or {@code jdbc:postgresql://host/db...}
     * @return the open store
     * @throws IllegalArgumentException when the URL is neither, or is malformed
     * @throws IllegalStateException when the database cannot be reached, holds other tables, or
     *     holds a store of another schema version
     */
    static TrialStore open(String jdbcUrl) {
        return JdbcTrialStore.open(jdbcUrl);
    }

    /**
     * Records the sweep's definition and its trials, once. Called again with the same definition
     * and trials (a rerun, or another worker starting the same command) it does nothing.
     *
     * @param definitionJson the sweep's definition (model, steps, grid...), as the caller writes it
     * @param trials the trials, in the order workers should claim them; keys must be unique
     * @throws IllegalArgumentException when the definition is blank, there are no trials, or a key repeats
     * @throws IllegalStateException when the store holds a different sweep; nothing is written then
     */
    void initialize(String definitionJson, List<TrialSpec> trials);

    /**
     * The stored definition.
     *
     * @return it, or empty when the store was never initialized
     */
    Optional<String> definition();

    /**
     * Claims a trial: a pending one, or a running one whose lease expired (its worker died). The
     * trial becomes {@link TrialStatus#RUNNING}, held by this worker until {@code now + lease},
     * and its attempt count goes up by one.
     *
     * @param worker who claims, recorded with the trial
     * @param lease how long the claim holds without renewal, positive
     * @return the claim, or empty when nothing is claimable now
     */
    Optional<ClaimedTrial> claim(String worker, Duration lease);

    /**
     * Claims one given trial, as {@link #claim(String, Duration)} claims the first claimable one:
     * only when it is pending, or running under a lease that expired. For schedulers that give
     * each trial to a task of their own (Spark): a retried or speculative copy of the task finds
     * the trial held or finished and does not train it again.
     *
     * @param id the trial's id
     * @param worker who claims, recorded with the trial
     * @param lease how long the claim holds without renewal, positive
     * @return the claim, or empty when the trial is finished, held under a live lease, or unknown
     * @throws UnsupportedOperationException when this store cannot claim a given trial
     */
    default Optional<ClaimedTrial> claim(long id, String worker, Duration lease) {
        throw new UnsupportedOperationException(this + " cannot claim a given trial; use a JDBC store (TrialStore.open)");
    }

    /**
     * Extends a claim's lease to {@code now + lease}.
     *
     * @param trial the claim
     * @param lease the new lease, positive
     * @return false when the claim was lost (the trial was claimed again, released or finished)
     */
    boolean renew(ClaimedTrial trial, Duration lease);

    /**
     * Records a claimed trial's result: {@link TrialStatus#COMPLETED}, or
     * {@link TrialStatus#DIVERGED} when {@link TrialResult#diverged()}.
     *
     * @param trial the claim
     * @param result what training gave
     * @return false, changing nothing, when the claim is no longer current or the trial is already finished
     */
    boolean complete(ClaimedTrial trial, TrialResult result);

    /**
     * Gives a claimed trial back: it becomes {@link TrialStatus#PENDING} for any worker to claim
     * (used when training failed with an exception). Does nothing when the claim is no longer current.
     *
     * @param trial the claim
     */
    void release(ClaimedTrial trial);

    /**
     * Every trial, by id.
     *
     * @return the records
     */
    List<TrialRecord> trials();

    /**
     * One trial.
     *
     * @param id its id
     * @return its record, or empty when no trial has that id
     */
    Optional<TrialRecord> trial(long id);

    /**
     * How many trials are in each status.
     *
     * @return the counts; all zero when the store was never initialized
     */
    SweepProgress progress();

    /** Closes the connection. Claims stay in the database until they complete or their lease expires. */
    @Override
    void close();
}
