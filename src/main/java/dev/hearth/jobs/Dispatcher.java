package dev.hearth.jobs;

import dev.hearth.engine.Endpoint;
import dev.hearth.HearthException;
import dev.hearth.EngineException;
import dev.hearth.engine.JobEngine;
import dev.hearth.HttpClients;
import dev.hearth.catalog.ModelSpec;
import dev.hearth.catalog.Task;
import dev.hearth.jobs.store.JobStore.Claim;
import dev.hearth.scheduler.Demand;
import dev.hearth.scheduler.Lease;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The loop that runs one job model's queue, on a virtual thread of its own. It takes the model's
 * scheduler lease first and only then claims a job, so a job is never marked running while it
 * waits for memory, and the model, holding a lease, is never idle-unloaded or evicted mid-job.
 * The exception is a job that asked for the prompt enhancer: it is claimed first (running, stage
 * {@code enhance}, then {@code load}) because the chat model must run before the video model's lease
 * is taken, not inside it.
 * One job at a time: video workers run one job each (max_concurrency 1). {@link #wake} (a submit,
 * a requeue) starts the next round at once; the poll interval only catches jobs another node queued.
 */
final class Dispatcher {
    private static final System.Logger LOG = System.getLogger("hearth.jobs");

    private final String model;
    private final ModelSpec spec;
    private final java.util.function.Supplier<Peers> peers;
    private final JobContext ctx;
    private final Duration poll;
    private final PromptStep prompt;
    private final JobTransitions transitions;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition signal = lock.newCondition();
    private boolean woken;                                   // guarded by lock
    private volatile boolean closed;
    private volatile CompletableFuture<Lease> acquiring;
    private Thread thread;
    private java.net.http.HttpClient http;                   // only the dispatcher's thread uses it

    /** @param prompt the enhance stage for jobs that asked for it */
    Dispatcher(ModelSpec spec, JobContext ctx, Duration poll, java.util.function.Supplier<Peers> peers,
               PromptStep prompt) {
        this.model = spec.name();
        this.spec = spec;
        this.peers = peers;
        this.ctx = ctx;
        this.poll = poll;
        this.prompt = prompt;
        this.transitions = prompt.transitions();
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

    /**
     * A job waiting for the prompt enhancer is claimed and enhanced first, without the video model's
     * lease (see {@link PromptStep}); any other job: lease first, then claim. A lease that finds the
     * next job waiting for the enhancer, or nothing queued any more (cancelled meanwhile), is given back.
     */
    private void round() throws InterruptedException {
        Optional<Job> toEnhance = claim(Claim.TO_ENHANCE);
        if (toEnhance.isPresent()) {
            enhanceThenRun(toEnhance.get(), true);
            return;
        }
        Peers others = peers.get();
        if (others != Peers.NONE && !ctx.models().loaded(model)) {
            // several nodes: the model's queued jobs go where it is loaded; after max_wait, here too
            var queued = ctx.store().queued(model);
            boolean young = queued.oldest() == null
                    || Duration.between(queued.oldest(), ctx.now()).compareTo(spec.sharing().maxWait()) < 0;
            if (others.presentElsewhere(model) && young) {
                await(poll);
                return;
            }
            // not loaded here: claim first, so that one queued job never makes two nodes load the model
            Optional<Job> claimed = claim(Claim.TO_RUN);
            if (claimed.isPresent()) enhanceThenRun(claimed.get(), false);
            return;
        }
        Lease lease;
        try {
            lease = acquire();
        } catch (CancellationException e) {
            return;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof EngineException load) {
                claim(Claim.ANY).ifPresent(j -> transitions.fail(j.id(), "engine_failed", cannotLoad(load)));
            } else {
                unexpected(e.getCause());
            }
            // no capacity yet or the scheduler's own queue is full: the job stays queued, try again later
            await(poll);
            return;
        }
        try (lease) {
            if (closed) return;
            Optional<Job> claimed = claim(Claim.TO_RUN);
            if (claimed.isPresent()) run(claimed.get(), lease);
        }
    }

    /**
     * The claimed job's prompt is rewritten (when {@code enhance}), then the model's lease is taken
     * while the claim is heart-beaten (the model may take minutes to load). A cancel meanwhile stops
     * the wait; a wait that ends without a lease puts the job back in the queue (with its rewritten prompt).
     */
    private void enhanceThenRun(Job claimed, boolean enhance) throws InterruptedException {
        long every = ctx.heartbeatEvery().toMillis();
        ScheduledFuture<?> beat = ctx.timer().scheduleAtFixedRate(() -> keepClaim(claimed.id()), every, every,
                TimeUnit.MILLISECONDS);
        Lease lease;
        Job job;
        try {
            job = enhance ? prompt.apply(claimed) : claimed;
            if (job == null) return;
            if (closed) {
                transitions.requeue(job.id(), "Hearth stopped before the job ran");
                return;
            }
            transitions.progress(job, new Job.Progress(0, "load", 0, 0));
            lease = acquire();
        } catch (CancellationException e) {
            transitions.requeue(claimed.id(), "Hearth stopped while the model loaded");
            return;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof EngineException load) {
                transitions.fail(claimed.id(), "engine_failed", cannotLoad(load));
            } else {
                unexpected(e.getCause());
                transitions.requeue(claimed.id(), "The model could not be loaded yet (" + e.getCause().getMessage()
                        + ")");
                await(poll);
            }
            return;
        } finally {
            beat.cancel(false);
        }
        try (lease) {
            run(job, lease);
        }
    }

    /** On the timer while an enhanced job waits: keep its claim; a cancel (or a lost claim) ends the wait. */
    private void keepClaim(String id) {
        try {
            Job now = transitions.heartbeat(id, null);
            CompletableFuture<Lease> a = acquiring;
            if ((now == null || now.state() == JobState.CANCELLING) && a != null) a.cancel(false);
        } catch (RuntimeException e) {
            // a failed beat must not end the schedule (a throwing task is never run again); the next one retries
        }
    }

    /**
     * The model's lease, asked for all of its queued jobs at once: the scheduler weighs them by the
     * oldest one's age (rule 7), which a new attempt after a queue timeout does not reset.
     */
    private Lease acquire() throws InterruptedException, ExecutionException {
        try {
            var queued = ctx.store().queued(model);
            CompletableFuture<Lease> f = ctx.models().acquire(model, queued.oldest() == null ? null
                    : new Demand(queued.oldest(), queued.count()));
            acquiring = f;
            if (closed) f.cancel(false);
            return f.get();
        } finally {
            acquiring = null;
        }
    }

    private Optional<Job> claim(Claim which) {
        return transitions.claim(model, which);
    }

    /**
     * A job engine runs the job itself; a transcription model that answers requests (a command, an
     * audio server) runs it piece by piece through its request path ({@link TranscriptionRunner}).
     */
    private void run(Job job, Lease lease) {
        JobEngine engine = switch (lease.engine().endpoint()) {
            case Endpoint.Jobs jobs -> jobs.runner();
            case Endpoint.Command c when spec.task() == Task.TRANSCRIPTION -> TranscriptionRunner.command(spec, c.runner());
            case Endpoint.Http h when spec.task() == Task.TRANSCRIPTION -> TranscriptionRunner.http(spec, h.baseUrl(),
                    http());
            default -> null;
        };
        if (engine == null) {
            transitions.fail(job.id(), "engine_failed", "Model '" + model + "' does not run jobs.");
            return;
        }
        new JobRun(ctx, transitions, job, engine).run();
    }

    /** One client for this model's audio server, made on the first job that needs it. */
    private java.net.http.HttpClient http() {
        if (http == null) http = HttpClients.engine(spec.proxy().connect());
        return http;
    }

    private String cannotLoad(EngineException load) {
        return "Model '" + model + "' could not be loaded: " + load.getMessage();
    }

    private void unexpected(Throwable cause) {
        if (!(cause instanceof HearthException)) {
            LOG.log(Level.WARNING, "job dispatcher of " + model + ": lease failed: " + cause);
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
