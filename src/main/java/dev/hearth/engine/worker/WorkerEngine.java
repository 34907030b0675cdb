package dev.hearth.engine.worker;

import dev.hearth.engine.Endpoint;
import dev.hearth.engine.JobRequest;
import dev.hearth.engine.WorkerListener;
import dev.hearth.engine.WorkerRun;
import dev.hearth.config.JobLimits;
import dev.hearth.engine.Engine;
import dev.hearth.EngineException;
import dev.hearth.engine.JobEngine;
import dev.hearth.engine.LogBuffer;
import dev.hearth.engine.Text;
import dev.hearth.engine.process.ChildProcess;
import dev.hearth.engine.process.ChildSpec;
import dev.hearth.engine.worker.WorkerMessages.FromWorker;
import dev.hearth.engine.worker.WorkerProcess.CancelRequest;
import dev.hearth.engine.worker.WorkerProcess.Event;
import dev.hearth.engine.worker.WorkerProcess.Exited;
import dev.hearth.engine.worker.WorkerProcess.Message;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A worker child process speaking DESIGN.md's JSON-lines protocol: jobs go in on stdin, events
 * come back on stdout, stderr is the log. The model stays loaded between jobs; one job at a time.
 *
 * <p>Start returns on {@code ready}; its deadline slides while the worker logs, and an exit
 * while starting fails the start at once with the last log lines.
 *
 * <p>A job is driven by the thread that called {@link #run}: it alone reads the worker's events
 * and decides (progress, cancel grace, stall, crash). {@link #cancel} only queues a request to it.
 * When a job ends by killing the worker (stall, a cancel it ignored, a crash), the job's outcome
 * says so and the worker is restarted lazily by the next {@link #run}, so the outcome is not held
 * up by a model load. Until then the scheduler still counts the model's memory, which is safe. A
 * death while idle-ready completes {@link #crashed()}, as with {@code ProcessEngine}.
 */
public final class WorkerEngine implements Engine, JobEngine {
    static final int MESSAGE_LINES = 20;
    private static final int LOG_LINES = 2_000;

    private final WorkerSpec spec;
    private final ChildSpec childSpec; // spec.child(): the command, its timeouts, its log file
    private final InstantSource clock;
    private final LogBuffer logs = new LogBuffer(LOG_LINES);
    private final ReentrantLock lock = new ReentrantLock();
    // proc and crashed: written under lock; volatile so that pid() and crashed() read them without it
    private volatile WorkerProcess proc;         // the latest launch
    private boolean wanted;                      // guarded by lock: started and not stopped since
    private boolean busy;                        // guarded by lock: a job is running
    private volatile CompletableFuture<String> crashed = new CompletableFuture<>();

    public WorkerEngine(WorkerSpec spec) {
        this(spec, InstantSource.system());
    }

    public WorkerEngine(WorkerSpec spec, InstantSource clock) {
        this.spec = spec;
        this.childSpec = spec.child();
        this.clock = clock;
    }

    @Override
    public String model() { return spec.model(); }

    @Override
    public LogBuffer logs() { return logs; }

    /** Workers are not HTTP servers. */
    @Override
    public Endpoint endpoint() { return new Endpoint.Jobs(this); }

    @Override
    public CompletableFuture<String> crashed() {
        return crashed.copy();
    }

    /** The worker's pid while it runs: the same pid across jobs shows the model stayed loaded. */
    @Override
    public OptionalLong pid() {
        var p = proc;
        return p == null ? OptionalLong.empty() : p.child.livePid();
    }

    /** Returns at once when already ready; a second concurrent start is refused. */
    @Override
    public void start() throws EngineException {
        WorkerProcess p = launch();
        if (p == null) {
            return;
        }
        try {
            awaitReady(p);
        } catch (InterruptedException e) {
            p.end(true);
            Thread.currentThread().interrupt();
            throw new EngineException(prefix() + " was interrupted while starting.");
        }
    }

    private void awaitReady(WorkerProcess p) throws InterruptedException {
        while (true) {
            Instant deadline = p.lastSignOfLife().plus(childSpec.startTimeout());
            Event ev = p.events.poll(millisUntil(deadline), TimeUnit.MILLISECONDS);
            if (ev == null && !clock.instant().isBefore(p.lastSignOfLife().plus(childSpec.startTimeout()))) {
                p.end(true);
                throw new EngineException(prefix() + " timed out while starting: no log output and no ready message for "
                        + Text.human(childSpec.startTimeout()) + "." + p.child.leftAliveText() + " Last log lines:\n"
                        + p.child.lastLinesText(MESSAGE_LINES));
            }
            if (ev instanceof Message(WorkerMessages.Ready r)) {
                if (r.protocol() != WorkerMessages.PROTOCOL) {
                    p.end(true);
                    throw new EngineException(prefix() + " speaks protocol " + r.protocol() + "; this Hearth speaks "
                            + WorkerMessages.PROTOCOL + ".");
                }
                if (markReady(p, r)) {
                    return;
                }
            } else if (ev instanceof Message m) {
                p.note("ignored a '" + m.message().getClass().getSimpleName() + "' message before ready");
            } else if (ev instanceof Exited) {
                boolean stopped = p.isDeliberate();
                p.end(stopped);
                throw new EngineException(stopped
                        ? prefix() + " was stopped while starting." + p.child.leftAliveText()
                        : prefix() + " exited with code " + p.child.exitCode() + " while starting."
                                + p.child.leftAliveText() + " Last log lines:\n" + p.child.lastLinesText(MESSAGE_LINES));
            }
        }
    }

    /**
     * Runs one job and blocks until it ends. Restarts the worker first if an earlier job killed it.
     *
     * @throws IllegalStateException when another job runs, or the engine was never started or was stopped
     * @throws EngineException       when the worker had to be restarted and could not be
     */
    @Override
    public WorkerRun run(JobRequest req, WorkerListener listener) {
        lock.lock();
        try {
            if (busy) {
                throw new IllegalStateException(prefix() + " is already running a job");
            }
            if (!wanted) {
                throw new IllegalStateException(prefix() + " is not started");
            }
            busy = true;
        } finally {
            lock.unlock();
        }
        try {
            start(); // at once when ready; a restart after an earlier job's kill
            WorkerProcess p = current(req.job());
            // the limits the worker advertised: a job that breaks them never reaches it
            Optional<JobLimits.Violation> broken = p.limits.check(req.task(), WorkerMessages.plain(req.params()));
            if (broken.isPresent()) {
                String why = "'" + broken.get().field() + "' " + broken.get().message() + ".";
                p.note("job " + req.job() + " refused before running: " + why);
                return new WorkerRun.Error("bad_params", why);
            }
            return drive(p, req, listener);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException(prefix() + " was interrupted during job " + req.job());
        } finally {
            lock.lock();
            try {
                busy = false;
                if (proc != null) {
                    proc.currentJob = null;
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * Asks the running job to stop; its {@link #run} returns {@link WorkerRun.Cancelled} once the worker
     * answers, or after killing it when it has not answered within {@code cancelGrace}.
     *
     * @return false when {@code job} is not the job running here
     */
    @Override
    public boolean cancel(String job) {
        lock.lock();
        try {
            if (proc == null || !job.equals(proc.currentJob)) {
                return false;
            }
            proc.events.add(new CancelRequest(job));
            return true;
        } finally {
            lock.unlock();
        }
    }

    private WorkerProcess current(String job) {
        lock.lock();
        try {
            proc.currentJob = job;
            return proc;
        } finally {
            lock.unlock();
        }
    }

    private WorkerRun drive(WorkerProcess p, JobRequest req, WorkerListener listener) throws InterruptedException {
        p.heardNow();
        p.send(new WorkerMessages.Run(req.job(), req.task(), req.params(), req.inputs(),
                req.outputDir().toAbsolutePath().toString()));
        Instant cancelBy = null;
        while (true) {
            Instant stallAt = p.lastMessageAt().plus(spec.stallTimeout());
            Instant wakeAt = cancelBy != null && cancelBy.isBefore(stallAt) ? cancelBy : stallAt;
            Event ev = p.events.poll(millisUntil(wakeAt), TimeUnit.MILLISECONDS);
            Instant now = clock.instant();
            if (ev == null) {
                if (cancelBy != null && !now.isBefore(cancelBy)) {
                    p.note("job " + req.job() + " not cancelled after " + Text.human(spec.cancelGrace()) + ": killing the worker");
                    p.end(true);
                    return new WorkerRun.Cancelled();
                }
                if (!now.isBefore(p.lastMessageAt().plus(spec.stallTimeout()))) {
                    p.note("job " + req.job() + " stalled: no message for " + Text.human(spec.stallTimeout()) + ": killing the worker");
                    p.end(true);
                    return new WorkerRun.Stalled();
                }
            } else if (ev instanceof CancelRequest c && c.job().equals(req.job()) && cancelBy == null) {
                p.send(new WorkerMessages.Cancel(req.job()));
                cancelBy = now.plus(spec.cancelGrace());
            } else if (ev instanceof Exited) {
                if (p.isDeliberate()) {
                    return new WorkerRun.Cancelled(); // stop() during a job: it did not finish
                }
                p.markCrashReported();
                p.end(false);
                return new WorkerRun.Crashed(p.child.exitValue(), p.child.lastLines(MESSAGE_LINES));
            } else if (ev instanceof Message(FromWorker m)) {
                WorkerRun outcome = onMessage(p, req, m, listener);
                if (outcome != null) {
                    return outcome;
                }
            }
        }
    }

    /** The job's outcome when {@code m} ends it, else null. */
    private static WorkerRun onMessage(WorkerProcess p, JobRequest req, FromWorker m, WorkerListener listener) {
        if (m.job() != null && !m.job().equals(req.job())) {
            p.note("ignored a message about job " + m.job() + " during job " + req.job());
            return null;
        }
        return switch (m) {
            case WorkerMessages.Progress pr -> {
                listener.progress(pr.progress(), pr.stage(), pr.step(), pr.steps());
                yield null;
            }
            case WorkerMessages.Output o -> {
                listener.output(Path.of(o.path()), o.contentType());
                yield null;
            }
            case WorkerMessages.Done d -> new WorkerRun.Done();
            case WorkerMessages.Error e -> new WorkerRun.Error(e.code(), e.message());
            case WorkerMessages.Cancelled c -> new WorkerRun.Cancelled();
            default -> null;
        };
    }

    /**
     * Sends {@code shutdown}, waits {@code stopGrace} for the worker to exit, then SIGTERM, grace and
     * SIGKILL to its tree. Idempotent; a running job ends as cancelled. Throws only if a process outlives SIGKILL.
     */
    @Override
    public void stop() {
        WorkerProcess p;
        lock.lock();
        try {
            wanted = false;
            p = proc;
            if (p != null) {
                p.markDeliberate();
            }
        } finally {
            lock.unlock();
        }
        if (p == null) {
            return;
        }
        if (p.child.isAlive() && p.send(new WorkerMessages.Shutdown())) {
            try {
                p.child.awaitExit(childSpec.stopGrace());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (!p.end(true).isEmpty()) {
            throw new EngineException(prefix() + " did not stop:" + p.child.leftAliveText());
        }
    }

    private WorkerProcess launch() {
        lock.lock();
        try {
            if (proc != null && !proc.child.isEnded()) {
                if (proc.isReady()) {
                    return null;
                }
                throw new IllegalStateException(prefix() + " is already starting");
            }
            if (proc != null && crashed.isDone()) {
                crashed = new CompletableFuture<>(); // the old launch's future stays as it was
            }
            wanted = true;
            ChildProcess launched;
            try {
                launched = ChildProcess.launch(childSpec, ChildProcess.Output.STDERR, ChildProcess.Logs.of(logs), clock,
                        "");
            } catch (IOException e) {
                throw new EngineException(prefix() + " could not be launched: " + e.getMessage(), e);
            }
            var p = new WorkerProcess(launched, clock, crashed);
            proc = p;
            p.start(spec.model(), () -> onExited(p));
            return p;
        } finally {
            lock.unlock();
        }
    }

    private boolean markReady(WorkerProcess p, WorkerMessages.Ready r) {
        if (!p.markReady()) {
            return false; // stop() came first: Exited follows and fails the start
        }
        p.child.remember();
        p.limits = r.jobLimits();
        p.note("ready for tasks " + r.tasks() + (r.limits() == null ? "" : ", limits " + r.limits()));
        return true;
    }

    /** On the reader's thread once the worker is gone: only an idle, ready worker's death is a crash here. */
    private void onExited(WorkerProcess p) {
        lock.lock();
        try {
            if (!p.exitIsNews() || (busy && p == proc)) {
                return; // stop(), a start (which reports it), or a job (whose outcome reports it)
            }
        } finally {
            lock.unlock();
        }
        p.end(false); // its orphans too, before anyone counts the memory free
        p.crashed.complete(prefix() + " exited with code " + p.child.exitCode() + p.child.leftAliveText()
                + "; last log lines:\n" + p.child.lastLinesText(MESSAGE_LINES));
    }

    private long millisUntil(Instant t) {
        return Math.max(1, Duration.between(clock.instant(), t).toMillis());
    }

    private String prefix() {
        return "Worker for model '" + spec.model() + "'";
    }
}
