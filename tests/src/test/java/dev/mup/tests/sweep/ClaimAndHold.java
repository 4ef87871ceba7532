package dev.mup.tests.sweep;

import dev.mup.workflow.sweep.ClaimedTrial;
import dev.mup.workflow.sweep.TrialStore;
import java.time.Duration;
import java.util.Optional;

/**
 * A worker that claims one trial and then hangs without renewing its lease, run in its own JVM
 * by {@link SweepStoreContract} and killed there, to show that a killed worker's trial is claimed
 * again once its lease expires.
 *
 * <p>Arguments: the store's URL, the worker's name, the lease in milliseconds. Prints
 * {@code CLAIMED <id>} once the claim is committed.
 */
public final class ClaimAndHold {

    private ClaimAndHold() {}

    public static void main(String[] args) throws InterruptedException {
        TrialStore store = TrialStore.open(args[0]);
        Optional<ClaimedTrial> claimed = store.claim(args[1], Duration.ofMillis(Long.parseLong(args[2])));
        if (claimed.isEmpty()) {
            System.out.println("NOTHING TO CLAIM");
            System.exit(2);
        }
        System.out.println("CLAIMED " + claimed.get().id());
        System.out.flush();
        // Hold the connection open and never renew, like a worker stuck or about to be killed.
        Thread.sleep(Long.MAX_VALUE);
    }
}
