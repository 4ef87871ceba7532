/**
 * Durable hyperparameter sweeps for μTransfer: a {@link dev.mup.workflow.sweep.TrialStore} holds
 * every trial (parametrization × width × seed × hyperparameters) in SQLite or PostgreSQL, and
 * {@link dev.mup.workflow.sweep.SweepWorker}s on any number of threads, processes or machines
 * claim trials under renewable leases, so that a sweep survives killed workers and restarts
 * without training any trial twice.
 *
 * <p>The package needs only {@code java.sql}; mup-runtime brings the SQLite and PostgreSQL
 * drivers as runtime dependencies.
 */
package dev.mup.workflow.sweep;
