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
            String lost = "lease lost (node " + j.lease().owner() + " stopped heart-beating)";
            try {
                if (j.state() == JobState.CANCELLING) {
                    changed.add(store.transitionOrphan(j.id(), JobState.CANCELLING, JobState.CANCELLED, null,
                            lost + " while cancelling", now));
                } else if (j.attempts().count() + 1 >= j.attempts().max()) {
                    String why = lost + "; attempt " + (j.attempts().count() + 1) + " of " + j.attempts().max();
                    changed.add(store.transitionOrphan(j.id(), JobState.RUNNING, JobState.FAILED,
                            x -> x.withAttempts(x.attempts().lost()).withError("lost", why), why, now));
                } else {
                    changed.add(store.transitionOrphan(j.id(), JobState.RUNNING, JobState.QUEUED,
                            x -> x.withAttempts(x.attempts().lost()).withProgress(Job.Progress.NONE), lost, now));
                }
            } catch (StaleJobException | IllegalTransitionException | JobNotFoundException e) {
                // it moved on since we read it
            }
        }
        return changed;
    }
}
