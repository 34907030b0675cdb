package dev.hearth.jobs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.HearthException;
import dev.hearth.engine.JobRequest;
import dev.hearth.engine.JobEngine;
import dev.hearth.engine.WorkerListener;
import dev.hearth.engine.WorkerRun;
import dev.hearth.jobs.JobContext.Running;
import dev.hearth.jobs.JobTransitions.Move;
import dev.hearth.media.BlobStore;
import dev.hearth.media.Outputs;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * One claimed job on one worker, from the claim to its final state. The dispatcher's thread runs
 * it; a timer thread heart-beats the claim, notices a cancel made on another node (the job turned
 * {@code cancelling} in the store) and enforces {@code job_timeout}, each only by asking the worker
 * to cancel. How the worker's run ended, read together with why a stop was asked, decides the state:
 *
 * <ul>
 * <li>done → succeeded (failed {@code output_failed} if an output could not be stored); error → failed
 *     with the worker's code; stalled → failed {@code stalled};</li>
 * <li>cancelled after a user's cancel → cancelled; after {@code job_timeout} → failed {@code timeout};
 *     after the lease was lost → nothing (the reaper already requeued it elsewhere);
 *     with no stop asked (Hearth is stopping and stopped the worker) → queued again, attempts unchanged;</li>
 * <li>crashed → queued again with attempts + 1 while attempts remain (a worker can die of one bad
 *     moment: an OOM beside another model, a driver reset), then failed {@code worker_crashed} with its
 *     last log lines. The history rows keep each crash's reason.</li>
 * </ul>
 */
final class JobRun {
    private static final System.Logger LOG = System.getLogger("hearth.jobs");

    private final JobContext ctx;
    private final Job job;
    private final JobEngine engine;
    private final Running running;
    private final JobTransitions transitions;
    private volatile String outputError;                     // set on the driving thread, read after run
    /** The job as last written or read here: a progress line is computed from it, not read back. */
    private final AtomicReference<Job> known;
    /** Where job files are kept: named by their key, published as they are written. */
    private final BlobStore blobs;
    private final ProgressThrottle throttle;
    private final Object progressLock = new Object();
    private ScheduledFuture<?> pendingFlush;                 // guarded by progressLock

    JobRun(JobContext ctx, JobTransitions transitions, Job job, JobEngine engine) {
        this.ctx = ctx;
        this.job = job;
        this.engine = engine;
        this.running = new Running(engine);
        this.transitions = transitions;
        this.throttle = new ProgressThrottle(ctx.clock());
        this.known = new AtomicReference<>(job);
        this.blobs = ctx.blobs();
    }

    /**
     * Keeps the newer of what is known and {@code seen}. On a tie a progress or output result wins (they
     * are written in order, under progressLock, and carry the outputs); the heartbeat's, computed from
     * what was known before them, does not.
     */
    private void remember(Job seen, boolean tieWins) {
        if (seen == null) return;
        known.accumulateAndGet(seen, (k, n) -> n.version() > k.version() || (tieWins && n.version() == k.version())
                ? n : k);
    }

    void run() {
        String id = job.id();
        ctx.running().put(id, running);
        Duration every = ctx.heartbeatEvery();
        ScheduledFuture<?> beat = ctx.timer().scheduleAtFixedRate(this::tick, every.toMillis(), every.toMillis(),
                TimeUnit.MILLISECONDS);
        ScheduledFuture<?> timeout = ctx.jobTimeout().isZero() ? null : ctx.timer().schedule(() -> {
            running.timedOut = true;
            engine.cancel(id);
        }, ctx.jobTimeout().toMillis(), TimeUnit.MILLISECONDS);
        WorkerRun outcome;
        try {
            Path out = ctx.outputs().dir(id);
            Files.createDirectories(out);
            java.util.Map<String, String> inputs = inputFiles();
            outcome = inputs == null ? new WorkerRun.Error("input_unavailable", "An input of the job is missing from "
                    + blobs.describe() + ".") : engine.run(new JobRequest(id, job.task(), params(), inputs, out), listener());
        } catch (IOException | RuntimeException e) {
            // a worker stopped by Hearth's shutdown under a just-claimed job: queue it again, as below
            outcome = ctx.closing().get() ? new WorkerRun.Cancelled()
                    : new WorkerRun.Error("engine_failed", "The worker could not run the job: " + e.getMessage());
        } finally {
            beat.cancel(false);
            if (timeout != null) timeout.cancel(false);
            ctx.running().remove(id);
            flushProgress();   // the last line before the end is never lost to the throttle
        }
        settle(outcome);
        blobs.release(id);
    }

    /**
     * The job's inputs as files on this node: its mount of the blob directory, or fetched from the
     * bucket; null when one is gone from the store. A bucket that does not answer is an IOException.
     */
    private java.util.Map<String, String> inputFiles() throws IOException {
        java.util.Map<String, String> files = new java.util.LinkedHashMap<>();
        for (var in : job.inputs().entrySet()) {
            try {
                files.put(in.getKey(), blobs.local(in.getValue()).toString());
            } catch (java.nio.file.NoSuchFileException e) {
                LOG.log(Level.WARNING, "job " + job.id() + ": input " + in.getKey() + " missing: " + e.getMessage());
                return null;
            }
        }
        return files;
    }

    /** The stored params plus the prompt (kept in its own column so the enhancer can rewrite it). */
    private ObjectNode params() {
        ObjectNode p = job.params().json();
        p.remove(JobParams.AUDIO_SECONDS); // Hearth's own note, not the engine's param
        if (job.prompt() != null) p.put("prompt", job.prompt());
        return p;
    }

    /**
     * Runs on the worker's driving thread, so nothing may escape it: a job deleted meanwhile, or
     * a full disk, is logged and the worker's own outcome still decides the job.
     */
    private WorkerListener listener() {
        return new WorkerListener() {
            @Override
            public void progress(double progress, String stage, int step, int steps) {
                synchronized (progressLock) {
                    Job.Progress now = throttle.offer(new Job.Progress(progress, stage, step, steps));
                    if (now != null) {
                        write(now);
                    } else if (pendingFlush == null || pendingFlush.isDone()) {
                        pendingFlush = ctx.timer().schedule(JobRun.this::flushProgress, throttle.dueIn().toMillis(),
                                TimeUnit.MILLISECONDS);
                    }
                }
            }

            @Override
            public void output(Path path, String contentType) {
                try {
                    Outputs.OutputFile f = ctx.outputs().store(job.id(), path);
                    blobs.publish(f.path());
                    List<JobOutput> files = new ArrayList<>(List.of(stored(f)));
                    if (f.contentType().startsWith("video/")) {
                        Path thumb = ctx.outputs().thumbnail(f.path()).orElse(null);
                        if (thumb != null) {
                            blobs.publish(thumb);
                            files.add(stored(Outputs.describe(thumb)));
                        }
                    }
                    synchronized (progressLock) { // after it, no progress line is computed from a job without them
                        remember(transitions.addOutputs(job.id(), files), true);
                    }
                } catch (IOException | RuntimeException e) {
                    LOG.log(Level.WARNING, "job " + job.id() + ": output " + path + " not recorded: " + e);
                    if (outputError == null) outputError = "Output " + path.getFileName() + " could not be stored: "
                            + (e instanceof HearthException h ? h.getMessage() : e);
                }
            }
        };
    }

    /** Writes the line held back by the throttle, if any: on the timer when its time came, and at the end. */
    private void flushProgress() {
        synchronized (progressLock) {
            Job.Progress last = throttle.drain();
            if (last != null) write(last);
        }
    }

    /** Under progressLock, so a line held back and written late never overwrites a newer one. */
    private void write(Job.Progress line) {
        try {
            remember(transitions.progress(known.get(), line), true);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "job " + job.id() + ": progress not recorded: " + e);
        }
    }

    private JobOutput stored(Outputs.OutputFile f) {
        return new JobOutput(f.name(), blobs.key(f.path()), f.contentType(), f.size(), f.sha256());
    }

    /** On the timer: keep the claim, and pass on a stop asked for elsewhere or before the worker took the job. */
    private void tick() {
        try {
            Job now = transitions.heartbeat(job.id(), known.get());
            if (now == null) {
                running.leaseLost = !running.cancelRequested;
                engine.cancel(job.id());
                return;
            }
            remember(now, false);
            if (now.state() == JobState.CANCELLING) running.cancelRequested = true;
            if (running.wantsStop()) engine.cancel(job.id());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "heartbeat of job " + job.id() + " failed: " + e);
        }
    }

    private void settle(WorkerRun outcome) {
        switch (outcome) {
            case WorkerRun.Done d when outputError != null -> fail("output_failed", outputError);
            case WorkerRun.Done d -> {
                Job done = change(JobState.SUCCEEDED, j -> j.withProgress(j.progress().complete()), "done");
                if (done != null) learn(done);
            }
            case WorkerRun.Error e -> fail(e.code(), e.message());
            case WorkerRun.Stalled s -> fail("stalled", "The worker sent nothing for the model's stall_timeout and was"
                    + " stopped.");
            case WorkerRun.Cancelled c when running.timedOut ->
                    fail("timeout", "The job ran longer than job_timeout (" + ctx.jobTimeout() + ") and was stopped.");
            case WorkerRun.Cancelled c -> transitions.change(job.id(), now -> {
                if (!transitions.ours(now)) return null;
                if (now.state() == JobState.CANCELLING) return new Move(JobState.CANCELLED, null, "cancelled by request");
                // a lost lease: the reaper already requeued it; no stop asked: Hearth is stopping and stopped the worker
                return running.cancelRequested || running.leaseLost ? null : new Move(JobState.QUEUED,
                        j -> j.withProgress(Job.Progress.NONE),
                        "the worker was stopped while the job ran (Hearth stopping); queued again");
            });
            case WorkerRun.Crashed c -> transitions.change(job.id(), now -> crashed(now, c));
        }
    }

    private Move crashed(Job now, WorkerRun.Crashed c) {
        if (!transitions.ours(now)) return null;
        if (now.state() == JobState.CANCELLING) {
            return new Move(JobState.CANCELLED, null, "cancelled; the worker exited with code " + c.exitCode());
        }
        String why = "The worker exited with code " + c.exitCode() + " during the job. Last log lines:\n"
                + String.join("\n", c.lastLogLines());
        Job.Attempts a = now.attempts();
        return a.count() + 1 < a.max()
                ? new Move(JobState.QUEUED, j -> j.withAttempts(j.attempts().lost()).withProgress(Job.Progress.NONE),
                        why + "\nQueued again: attempt " + (a.count() + 2) + " of " + a.max() + ".")
                : new Move(JobState.FAILED, j -> j.withAttempts(j.attempts().lost()).withError("worker_crashed", why),
                        why);
    }

    private void fail(String code, String message) {
        change(JobState.FAILED, j -> j.withError(code, message), code + ": " + message);
    }

    private Job change(JobState to, UnaryOperator<Job> mutation, String reason) {
        return transitions.leased(job.id(), to, mutation, reason);
    }

    private void learn(Job done) {
        Job.Times t = done.times();
        if (t.started() == null || t.finished() == null) return;
        ctx.eta().learn(done.model(), done.params().units(),
                Duration.between(t.started(), t.finished()).toMillis() / 1000.0);
    }
}
