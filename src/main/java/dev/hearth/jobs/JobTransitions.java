package dev.hearth.jobs;

import dev.hearth.jobs.store.JobStore.Claim;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The one owner of job changes after submit: a state change is a function of the job as it is now,
 * applied through {@code JobStore.transition} (which checks the table and writes history), read
 * again and decided again when a cancel or another node changed the job meanwhile. Changes that keep
 * the state (heartbeat, progress, the enhanced prompt) are written only at the version read and
 * retried the same way ({@link #revise}). Every change made here (claim, state, progress, prompt,
 * outputs, the reaper's) is published to the job's listeners here, once it is stored; no caller
 * publishes by hand, and no other class writes a job.
 */
final class JobTransitions {
    private static final System.Logger LOG = System.getLogger("hearth.jobs");
    static final int TRIES = 5;

    /** A decided change of the job as read: to which state, what else changes (may be null), and why. */
    record Move(JobState to, UnaryOperator<Job> mutation, String reason) {}

    private final JobContext ctx;

    JobTransitions(JobContext ctx) {
        this.ctx = ctx;
    }

    /**
     * Applies {@code decide(current job)}; null from {@code decide} means nothing is to change.
     *
     * @return the changed job, published; null when nothing changed (the job is gone, or
     *         {@code decide} declined, or it kept changing under us {@link #TRIES} times)
     */
    Job change(String id, Function<Job, Move> decide) {
        for (int i = 0; i < TRIES; i++) {
            Job now = ctx.store().get(id).orElse(null);
            if (now == null) return null;
            Move m = decide.apply(now);
            if (m == null) return null;
            try {
                Job changed = ctx.store().transition(id, now.state(), m.to(), m.mutation(), m.reason(), ctx.now());
                ctx.events().publish(changed);
                return changed;
            } catch (StaleJobException | IllegalTransitionException e) {
                // changed under us (cancel, heartbeat, another node): read again and decide again
            } catch (JobNotFoundException e) {
                return null;
            }
        }
        LOG.log(Level.WARNING, "job " + id + ": could not record a change after " + TRIES + " tries");
        return null;
    }

    /**
     * Moves a job this node leases (running, or cancelling when a cancel raced the end) to {@code to};
     * a cancelling job that would go back to the queue is cancelled instead. Null when the job is
     * gone, finished, no longer ours, or the table forbids the move.
     */
    Job leased(String id, JobState to, UnaryOperator<Job> mutation, String reason) {
        return change(id, now -> {
            if (!ours(now)) return null;
            JobState target = now.state() == JobState.CANCELLING && to == JobState.QUEUED ? JobState.CANCELLED : to;
            return now.state().canMoveTo(target) ? new Move(target, mutation, reason) : null;
        });
    }

    /** This node holds the job's lease: it is running or cancelling here. */
    boolean ours(Job now) {
        return now.state().leased() && ctx.store().node().equals(now.lease().owner());
    }

    /** A leased job goes back to the queue, attempts unchanged (or is cancelled when a cancel came meanwhile). */
    Job requeue(String id, String reason) {
        return change(id, now -> {
            if (!ours(now)) return null;
            return now.state() == JobState.CANCELLING
                    ? new Move(JobState.CANCELLED, null, "cancelled by request before the job ran")
                    : new Move(JobState.QUEUED, j -> j.withProgress(Job.Progress.NONE), reason + "; queued again");
        });
    }

    Job fail(String id, String code, String message) {
        return leased(id, JobState.FAILED, j -> j.withError(code, message), code + ": " + message);
    }

    /** Claims the next job of {@code model} for this node (see {@code JobStore.claimNext}). */
    Optional<Job> claim(String model, Claim which) {
        Optional<Job> claimed = ctx.store().claimNext(List.of(model), ctx.store().node(), ctx.lease(), ctx.now(), which);
        claimed.ifPresent(ctx.events()::publish);
        return claimed;
    }

    /**
     * A running job's progress, from {@code known} (the job as its run last saw it) plus the line: one
     * statement unless the job changed meanwhile. The job as changed, published; null when it is no
     * longer running or cancelling here.
     */
    Job progress(Job known, Job.Progress progress) {
        return published(revise(known.id(), known, now -> ctx.store().updateProgress(now, progress, ctx.now())));
    }

    /**
     * Renews the lease of a job this node runs. The job as renewed (its state tells whether a cancel
     * came); null when it is no longer ours. Not published: only the lease moved, which no listener shows.
     *
     * @param known the job as last seen, or null to read it first
     */
    Job heartbeat(String id, Job known) {
        return revise(id, known, now -> ctx.store().heartbeat(now, ctx.lease(), ctx.now()));
    }

    /** The enhancer's rewrite of a claimed job's prompt: the job as changed, published; null when no longer ours. */
    Job promptEnhanced(Job known, String enhanced) {
        return published(revise(known.id(), known, now -> ctx.store().updatePrompt(now, enhanced, ctx.now())));
    }

    /** Records the run's output files, then publishes the job with them; the job as it is now, or null when gone. */
    Job addOutputs(String id, List<JobOutput> outputs) {
        outputs.forEach(o -> ctx.store().addOutput(id, o));
        return published(ctx.store().get(id).orElse(null));
    }

    /**
     * The orphan reaper's pass: each job whose lease expired is requeued, failed or cancelled
     * ({@link Orphans}).
     *
     * @return the jobs changed, published
     */
    List<Job> reap() {
        List<Job> changed = Orphans.reap(ctx.store(), ctx.now());
        changed.forEach(ctx.events()::publish);
        return changed;
    }

    /**
     * A change that keeps the state, of a job this node leases: {@code write} stores it only at the
     * version of the job it is given (empty when the job changed meanwhile: read again, decide again).
     * {@code known} saves the first read when the caller has the job at hand.
     */
    private Job revise(String id, Job known, Function<Job, Optional<Job>> write) {
        Job now = known;
        for (int i = 0; i < TRIES; i++) {
            if (now == null || i > 0) now = ctx.store().get(id).orElse(null);
            if (now == null || !ours(now)) return null;
            Optional<Job> changed = write.apply(now);
            if (changed.isPresent()) return changed.get();
        }
        LOG.log(Level.WARNING, "job " + id + ": could not record a change after " + TRIES + " tries");
        return null;
    }

    private Job published(Job job) {
        if (job != null) ctx.events().publish(job);
        return job;
    }
}
