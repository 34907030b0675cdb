package dev.hearth.jobs;

import dev.hearth.jobs.store.JobStore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The orphan reaper's decision (DESIGN.md, "Job states"): a running job whose node stopped
 * heart-beating is requeued with attempts + 1, or failed with code {@code lost} once attempts reach
 * max_attempts; a cancelling one is cancelled (the user asked it to stop; requeueing it would be
 * wrong). Any node may reap; a job that moved on since it was read (finished, heart-beat, another
 * reaper got there first) is left alone.
 */
public final class Orphans {
    private Orphans() {}

    /** @return the jobs changed, after the change (not published: {@link JobTransitions#reap} does that) */
    public static List<Job> reap(JobStore store, Instant now) {
        List<Job> changed = new ArrayList<>();
        for (Job j : store.leaseExpired(now)) {
            String lost = "lease lost (node " + j.leaseOwner() + " stopped heart-beating)";
            try {
                if (j.state() == JobState.CANCELLING) {
                    changed.add(store.transitionOrphan(j.id(), JobState.CANCELLING, JobState.CANCELLED, null,
                            lost + " while cancelling", now));
                } else if (j.attempts() + 1 >= j.maxAttempts()) {
                    String why = lost + "; attempt " + (j.attempts() + 1) + " of " + j.maxAttempts();
                    changed.add(store.transitionOrphan(j.id(), JobState.RUNNING, JobState.FAILED,
                            x -> x.withAttempts(x.attempts() + 1).withError("lost", why), why, now));
                } else {
                    changed.add(store.transitionOrphan(j.id(), JobState.RUNNING, JobState.QUEUED,
                            x -> x.withAttempts(x.attempts() + 1).withProgress(0, null, 0, 0), lost, now));
                }
            } catch (StaleJobException | IllegalTransitionException | JobNotFoundException e) {
                // it moved on since we read it
            }
        }
        return changed;
    }
}
