package dev.hearth.jobs.store;

import dev.hearth.jobs.HistoryEntry;
import dev.hearth.jobs.IllegalTransitionException;
import dev.hearth.jobs.Job;
import dev.hearth.jobs.JobNotFoundException;
import dev.hearth.jobs.JobOutput;
import dev.hearth.QueueFullException;
import dev.hearth.jobs.JobState;
import dev.hearth.jobs.StaleJobException;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.UnaryOperator;

/**
 * The persistent job queue. State changes only through {@link #transition} (and {@link #claimNext}
 * and {@link #transitionOrphan}, which apply the same table and write the same history); every state
 * change bumps {@code version} and fails if the row changed under it. Times are passed in, never
 * read from a clock, so tests and the dispatcher decide what "now" is. Thread-safe.
 */
public interface JobStore extends AutoCloseable {

    /** Stores a new queued job and its creation history row. */
    Job insert(Job job, int maxQueue) throws QueueFullException;

    Optional<Job> get(String id);

    List<Job> list(JobQuery query);

    /**
     * Claims the next queued job of one of {@code models} — priority desc, then oldest first —
     * for {@code node}: running, holding a lease until {@code now + lease}. Safe across threads
     * and, on PostgreSQL, across processes.
     */
    default Optional<Job> claimNext(Collection<String> models, String node, Duration lease, Instant now) {
        return claimNext(models, node, lease, now, Claim.ANY);
    }

    /**
     * As {@link #claimNext(Collection, String, Duration, Instant)}, but only when the next job in line
     * is of the kind asked for; otherwise nothing is claimed (the line's order is never skipped).
     */
    Optional<Job> claimNext(Collection<String> models, String node, Duration lease, Instant now, Claim which);

    /** Which next job a claim takes: the dispatcher enhances a prompt before it takes the video model's lease. */
    enum Claim {
        /** Whatever is next. */
        ANY,
        /** The next job only if it waits for the prompt enhancer (original prompt = prompt). */
        TO_ENHANCE,
        /** The next job only if it does not wait for the prompt enhancer. */
        TO_RUN
    }

    /**
     * Extends the lease of {@code read}, a job this store's node runs, if it is still at the version read
     * (a heartbeat does not bump it). The job as renewed, computed without reading it back; empty when it
     * changed meanwhile (a cancel, the reaper) or is not this node's: read it again and decide again.
     */
    Optional<Job> heartbeat(Job read, Duration lease, Instant now);

    /**
     * THE state change: {@code expectedFrom → to} if the table allows it and the job is still in
     * {@code expectedFrom} at the version read. {@code mutation} may change the job's mutable fields
     * (error, progress, prompt, params, attempts); state, version and times are the store's. The
     * lease is dropped when the job leaves running/cancelling; {@code finishedAt} is set on a terminal
     * state. A history row is written in the same transaction.
     *
     * @throws IllegalTransitionException the table forbids it, or the job is not in {@code expectedFrom}
     * @throws StaleJobException          the job changed while the mutation was computed
     * @throws JobNotFoundException       no such job
     */
    Job transition(String id, JobState expectedFrom, JobState to, UnaryOperator<Job> mutation,
                   String reason, Instant now);

    /**
     * Progress from the worker for {@code read}, a job this store's node runs, if it is still at the
     * version read: one statement, no history row, no version bump (it would fight every transition).
     * The job as changed, computed without reading it back; empty as for {@link #heartbeat}.
     */
    Optional<Job> updateProgress(Job read, Job.Progress progress, Instant now);

    /**
     * The prompt enhancer's rewrite of {@code read}'s prompt ({@link Job#withEnhancedPrompt}), if it is
     * still this node's at the version read. Bumps the version (so a transition computed from the old
     * row cannot write the old prompt back) without a history row; empty as for {@link #heartbeat}.
     */
    Optional<Job> updatePrompt(Job read, String enhanced, Instant now);

    /** Records an output file; the same name again replaces it. */
    void addOutput(String id, JobOutput output);

    /** Running and cancelling jobs whose lease expired before {@code now}: their node stopped heart-beating. */
    List<Job> leaseExpired(Instant now);

    /**
     * {@link #transition} for the orphan reaper ({@code Orphans}): it happens only while the job's lease
     * is still expired at {@code now}, so a heartbeat that lands after the reaper read the job saves it.
     */
    Job transitionOrphan(String id, JobState expectedFrom, JobState to, UnaryOperator<Job> mutation, String reason,
                         Instant now);

    /** 1-based place among the model's queued jobs in claim order; empty when not queued. */
    OptionalInt queuePosition(String id);

    int queuedCount(String model);

    /** The model's queued jobs: how many, and when the oldest was submitted (null when none is). */
    record Queued(int count, Instant oldest) {}

    Queued queued(String model);

    /** Oldest first. */
    List<HistoryEntry> history(String id);

    /** Retention: deletes terminal jobs finished before {@code before}; returns their ids so the caller removes files. */
    List<String> deleteFinishedBefore(Instant before);

    /** Retention by disk cap: every finished job's id and when it finished, oldest first. */
    Map<String, Instant> finishedJobs();

    /** Deletes the job, its history and outputs rows whatever its state; false when absent. */
    boolean delete(String id);

    /** This process's node id, written into history rows it makes. */
    String node();

    @Override
    void close();
}
