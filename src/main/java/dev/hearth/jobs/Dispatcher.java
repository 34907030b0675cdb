package dev.hearth.jobs;

import dev.hearth.HearthException;
import dev.hearth.engine.EngineException;
import dev.hearth.engine.JobEngine;
import dev.hearth.scheduler.Lease;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The loop that runs one job model's queue, on a virtual thread of its own. It takes the model's
 * scheduler lease first and only then claims a job, so a job is never marked running while it
 * waits for memory, and the model, holding a lease, is never idle-unloaded or evicted mid-job.
 * One job at a time: video workers run one job each (max_concurrency 1). {@link #wake} (a submit,
 * a requeue) starts the next round at once; the poll interval only catches jobs another node queued.
 */
final class Dispatcher {
    private static final System.Logger LOG = System.getLogger("hearth.jobs");

    private final String model;
    private final JobContext ctx;
    private final Duration poll;
    private final PromptStep prompt;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition signal = lock.newCondition();
    private boolean woken;                                   // guarded by lock
    private volatile boolean closed;
    private volatile CompletableFuture<Lease> acquiring;
    private Thread thread;

    /** @param prompt the enhance stage for jobs that asked for it */
    Dispatcher(String model, JobContext ctx, Duration poll, PromptStep prompt) {
        this.model = model;
        this.ctx = ctx;
        this.poll = poll;
        this.prompt = prompt;
    }

    void start() {
        thread = Thread.ofVirtual().name("hearth-jobs-" + model).start(this::loop);
    }

    void wake() {
        lock.lock();
        try {
            woken = true;
            signal.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Claims nothing more; a job running now ends when its worker is stopped (the scheduler's close). */
    void stopClaiming() {
        closed = true;
        CompletableFuture<Lease> a = acquiring;
        if (a != null) a.cancel(false);
        wake();
    }

    void join(Duration max) throws InterruptedException {
        if (thread != null) thread.join(max);
    }

    private void loop() {
        while (!closed) {
            try {
                if (ctx.store().queuedCount(model) == 0) {
                    await(poll);
                    continue;
                }
                round();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "job dispatcher of " + model + ": " + e);
                try {
                    await(poll);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    /** Lease first, then claim; a lease that finds nothing queued any more (cancelled meanwhile) is given back. */
    private void round() throws InterruptedException {
        Lease lease;
        try {
            CompletableFuture<Lease> f = ctx.models().acquire(model);
            acquiring = f;
            if (closed) f.cancel(false);
            lease = f.get();
        } catch (CancellationException e) {
            return;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof EngineException load) {
                failNext("engine_failed", "Model '" + model + "' could not be loaded: " + load.getMessage());
            } else if (!(cause instanceof HearthException)) {
                LOG.log(Level.WARNING, "job dispatcher of " + model + ": lease failed: " + cause);
            }
            // no capacity yet or the scheduler's own queue is full: the job stays queued, try again later
            await(poll);
            return;
        } finally {
            acquiring = null;
        }
        try (lease) {
            if (closed) return;
            Optional<Job> claimed = ctx.store().claimNext(List.of(model), ctx.store().node(), ctx.lease(), ctx.now());
            if (claimed.isEmpty()) return;
            if (!(lease.engine() instanceof JobEngine worker)) {
                failClaimed(claimed.get(), "engine_failed", "Model '" + model + "' does not run jobs.");
                return;
            }
            Job job = prompt.apply(claimed.get());
            if (job != null) new JobRun(ctx, job, worker).run();
        }
    }

    /** The model cannot load: the next job fails with the reason instead of waiting for ever. */
    private void failNext(String code, String message) {
        ctx.store().claimNext(List.of(model), ctx.store().node(), ctx.lease(), ctx.now())
                .ifPresent(j -> failClaimed(j, code, message));
    }

    private void failClaimed(Job j, String code, String message) {
        try {
            ctx.events().publish(ctx.store().transition(j.id(), JobState.RUNNING, JobState.FAILED,
                    x -> x.withError(code, message), code + ": " + message, ctx.now()));
        } catch (HearthException e) {
            // cancelled meanwhile
        }
    }

    private void await(Duration max) throws InterruptedException {
        lock.lock();
        try {
            long nanos = max.toNanos();
            while (!woken && !closed && nanos > 0) nanos = signal.awaitNanos(nanos);
            woken = false;
        } finally {
            lock.unlock();
        }
    }
}
