package dev.hearth.jobs;

import dev.hearth.engine.JobEngine;
import dev.hearth.jobs.store.JobStore;
import dev.hearth.media.BlobStore;
import dev.hearth.media.Outputs;
import dev.hearth.scheduler.ModelScheduler;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What the dispatchers and the service share.
 *
 * @param blobs      where job files are kept and published (the outputs' root is this node's copy)
 * @param lease      how long a claim lasts without a heartbeat ({@code server.job_lease})
 * @param jobTimeout a running job longer than this fails as {@code timeout}; zero = no limit
 * @param running    the jobs this process runs now, so a cancel from the API reaches their worker
 * @param closing    set once Hearth stops: a worker that fails now was stopped under its job, not broken
 */
record JobContext(JobStore store, ModelScheduler models, Outputs outputs, BlobStore blobs, JobEvents events, Eta eta, Clock clock,
                  Duration lease, Duration jobTimeout, ScheduledExecutorService timer,
                  Map<String, Running> running, AtomicBoolean closing) {

    JobContext {
        running = running == null ? new ConcurrentHashMap<>() : running;
        closing = closing == null ? new AtomicBoolean() : closing;
    }

    Instant now() { return clock.instant(); }

    Duration heartbeatEvery() {
        return lease.dividedBy(6).compareTo(Duration.ofMillis(100)) < 0 ? Duration.ofMillis(100) : lease.dividedBy(6);
    }

    /** A job running here and why someone wants it stopped; the flags are read when its worker returns. */
    static final class Running {
        final JobEngine engine;
        volatile boolean cancelRequested;
        volatile boolean timedOut;
        volatile boolean leaseLost;

        Running(JobEngine engine) { this.engine = engine; }

        boolean wantsStop() { return cancelRequested || timedOut || leaseLost; }
    }
}
