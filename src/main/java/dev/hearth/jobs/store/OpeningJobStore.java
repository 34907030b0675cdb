package dev.hearth.jobs.store;

import dev.hearth.QueueFullException;
import dev.hearth.jobs.HistoryEntry;
import dev.hearth.jobs.Job;
import dev.hearth.jobs.JobOutput;
import dev.hearth.jobs.JobState;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.UnaryOperator;

/**
 * A store still opening on another thread (SQLite's native library and Flyway's migrations take a
 * good part of a start), so that Hearth listens meanwhile: each call waits for it to be open, and
 * fails as the opening failed. Once open, a call costs one read of a completed future.
 */
public final class OpeningJobStore implements JobStore {
    private final CompletableFuture<JobStore> opening;

    public OpeningJobStore(CompletableFuture<JobStore> opening) {
        this.opening = opening;
    }

    /** Opens {@code database} on a virtual thread (see {@link JobStores#open(String, java.nio.file.Path)}). */
    public static OpeningJobStore open(String database, java.nio.file.Path dataDir) {
        return new OpeningJobStore(CompletableFuture.supplyAsync(() -> JobStores.open(database, dataDir),
                Thread::startVirtualThread));
    }

    /** @param node this process's name in leases and history rows */
    public static OpeningJobStore open(String database, java.nio.file.Path dataDir, String node) {
        return new OpeningJobStore(CompletableFuture.supplyAsync(() -> JobStores.open(database, dataDir, node),
                Thread::startVirtualThread));
    }

    /** The open store; what went wrong opening it is thrown here as {@link JobStores#open} threw it. */
    JobStore store() {
        try {
            return opening.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error err) throw err;
            throw e;
        }
    }

    @Override public Job insert(Job job, int maxQueue) throws QueueFullException { return store().insert(job, maxQueue); }
    @Override public Optional<Job> get(String id) { return store().get(id); }
    @Override public List<Job> list(JobQuery query) { return store().list(query); }

    @Override
    public Optional<Job> claimNext(Collection<String> models, String node, Duration lease, Instant now, Claim which) {
        return store().claimNext(models, node, lease, now, which);
    }

    @Override
    public Optional<Job> heartbeat(Job read, Duration lease, Instant now) { return store().heartbeat(read, lease, now); }

    @Override
    public Job transition(String id, JobState expectedFrom, JobState to, UnaryOperator<Job> mutation, String reason,
                          Instant now) {
        return store().transition(id, expectedFrom, to, mutation, reason, now);
    }

    @Override
    public Optional<Job> updateProgress(Job read, Job.Progress progress, Instant now) {
        return store().updateProgress(read, progress, now);
    }

    @Override
    public Optional<Job> updatePrompt(Job read, String enhanced, Instant now) {
        return store().updatePrompt(read, enhanced, now);
    }

    @Override public void addOutput(String id, JobOutput output) { store().addOutput(id, output); }
    @Override public List<Job> leaseExpired(Instant now) { return store().leaseExpired(now); }

    @Override
    public Job transitionOrphan(String id, JobState expectedFrom, JobState to, UnaryOperator<Job> mutation,
                                String reason, Instant now) {
        return store().transitionOrphan(id, expectedFrom, to, mutation, reason, now);
    }

    @Override public OptionalInt queuePosition(String id) { return store().queuePosition(id); }
    @Override public int queuedCount(String model) { return store().queuedCount(model); }
    @Override public Queued queued(String model) { return store().queued(model); }
    @Override public List<HistoryEntry> history(String id) { return store().history(id); }
    @Override public List<String> deleteFinishedBefore(Instant before) { return store().deleteFinishedBefore(before); }
    @Override public Map<String, Instant> finishedJobs() { return store().finishedJobs(); }
    @Override public boolean delete(String id) { return store().delete(id); }
    @Override public String node() { return store().node(); }

    /** Closes the store once it is open (at once when it is); one that failed to open has nothing to close. */
    @Override
    /**
     * Waits for the opening to end (a minute at most), then closes: a Hearth that fails at start must
     * not leave a thread still writing its data dir after it returned.
     */
    public void close() {
        try {
            opening.get(1, java.util.concurrent.TimeUnit.MINUTES).close();
        } catch (java.util.concurrent.ExecutionException | CancellationException e) {
            // it never opened: nothing to close
        } catch (java.util.concurrent.TimeoutException e) {
            opening.thenAccept(JobStore::close); // closed whenever it opens
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            opening.thenAccept(JobStore::close);
        }
    }
}
