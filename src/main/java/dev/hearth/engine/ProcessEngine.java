package dev.hearth.engine;

import dev.hearth.EngineException;
import dev.hearth.engine.process.ChildProcess;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An OpenAI-compatible server (vLLM, llama-server, SGLang, Hearth's own llama.cpp child JVM)
 * run as a child process on a loopback port picked at each start.
 *
 * <p>Start: launch, pump the output into {@link #logs()} and the log file, poll the health URL.
 * The start deadline slides with every log line, so a server compiling for minutes while it
 * logs is waited for, and one silent for {@code startTimeout} is not. A child that exits while
 * starting fails the start at once, with its last log lines.
 *
 * <p>Stop: SIGTERM to the whole process tree, {@code stopGrace}, SIGKILL to the survivors, and
 * return only once every process is gone, since only then is its memory free. A stop during a
 * start ends that start with an {@link EngineException}.
 *
 * <p>All state belongs to this engine and is guarded by one lock; {@code start()} and
 * {@code stop()} may be called from different threads, even at once.
 */
public final class ProcessEngine implements Engine {

    /**
     * Knobs with sane defaults; tests shrink them.
     *
     * @param pollInterval    time between health checks (DESIGN: at most 100 ms)
     * @param logLines        lines kept in memory
     * @param logFileMaxBytes size at which the log file is rotated
     * @param logFilesKept    rotated files kept ({@code x.log.1} … {@code x.log.N})
     */
    public record Tuning(Duration pollInterval, int logLines, long logFileMaxBytes, int logFilesKept) {
        public static Tuning defaults() {
            return new Tuning(Duration.ofMillis(100), 2_000, 10L * 1024 * 1024, 3);
        }
    }

    /** Log lines quoted in error messages. */
    static final int MESSAGE_LINES = 20;
    /** How often a ready engine's process tree is looked at, to remember new descendants. */
    private static final Duration TREE_REFRESH = Duration.ofSeconds(2);

    private final ProcessSpec spec;
    private final PortPicker ports;
    private final HttpClient http;
    private final InstantSource clock;
    private final Tuning tuning;
    private final LogBuffer logs;
    private final ReentrantLock lock = new ReentrantLock();
    // written under lock; volatile so that pid() and crashed() read them without it
    private volatile Run run;                                  // the latest start's
    private volatile CompletableFuture<String> crashed = new CompletableFuture<>();

    public ProcessEngine(ProcessSpec spec) {
        this(spec, PortPicker.loopback(), Readiness.defaultClient(), InstantSource.system(), Tuning.defaults());
    }

    public ProcessEngine(ProcessSpec spec, PortPicker ports, HttpClient http, InstantSource clock, Tuning tuning) {
        this.spec = spec;
        this.ports = ports;
        this.http = http;
        this.clock = clock;
        this.tuning = tuning;
        this.logs = new LogBuffer(tuning.logLines());
    }

    @Override
    public String model() { return spec.model(); }

    @Override
    public LogBuffer logs() { return logs; }

    /** Returns at once when already ready; a second concurrent start is refused. */
    @Override
    public void start() throws EngineException {
        Run r = launch();
        if (r == null) {
            return;
        }
        var readiness = new Readiness(http, r.url, spec.healthPath(), tuning.pollInterval(), clock);
        Readiness.Outcome outcome;
        try {
            outcome = readiness.await(
                    () -> r.child.lastLineAt().plus(spec.child().startTimeout()),
                    CompletableFuture.anyOf(r.child.onExit(), r.stopRequested),
                    r.child::remember);
        } catch (InterruptedException e) {
            end(r, true);
            Thread.currentThread().interrupt();
            throw new EngineException(prefix() + " was interrupted while starting.");
        }
        if (outcome == Readiness.Outcome.READY && markReady(r)) {
            return;
        }
        if (r.stopRequested.isDone()) {
            end(r, true);
            throw new EngineException(prefix() + " was stopped while starting." + r.child.leftAliveText());
        }
        end(r, false);
        if (outcome == Readiness.Outcome.TIMED_OUT) {
            throw new EngineException(prefix() + " timed out while starting: no log output and no ready answer for "
                    + Text.human(spec.child().startTimeout()) + " (last check: " + readiness.lastProblem() + ")."
                    + r.child.leftAliveText() + " Last log lines:\n" + r.child.lastLinesText(MESSAGE_LINES));
        }
        throw new EngineException(prefix() + " exited with code " + r.child.exitCode() + " while starting."
                + r.child.leftAliveText() + " Last log lines:\n" + r.child.lastLinesText(MESSAGE_LINES));
    }

    /** Idempotent; also ends a start in progress. Throws only if a process outlives SIGKILL. */
    @Override
    public void stop() {
        Run r;
        lock.lock();
        try {
            r = run;
        } finally {
            lock.unlock();
        }
        if (r == null) {
            return;
        }
        if (!end(r, true).isEmpty()) {
            throw new EngineException(prefix() + " did not stop:" + r.child.leftAliveText());
        }
    }

    /**
     * The crash of the current run (or of the next one, before the first start). Each call
     * returns a copy, so a caller cannot complete or cancel it for others.
     */
    @Override
    public CompletableFuture<String> crashed() {
        return crashed.copy();
    }

    /** {@code http://127.0.0.1:PORT} while ready, else {@link Endpoint.Down}; one object per start. */
    @Override
    public Endpoint endpoint() {
        lock.lock();
        try {
            return run != null && run.ready && !run.child.isEnded() ? run.endpoint : Endpoint.DOWN;
        } finally {
            lock.unlock();
        }
    }

    /** vLLM's sleep mode (see {@link SleepMode}); bounded by the model's start_timeout, a wake reloads weights. */
    @Override
    public void sleep(int level) throws EngineException {
        SleepMode.sleep(http, awake(), level, prefix(), spec.child().startTimeout());
    }

    @Override
    public void wake() throws EngineException {
        SleepMode.wake(http, awake(), prefix(), spec.child().startTimeout());
    }

    private URI awake() {
        URI base = baseUrl();
        if (base == null) throw new EngineException(prefix() + " is not running.");
        return base;
    }

    /** {@code http://127.0.0.1:PORT} while ready, else null. */
    public URI baseUrl() {
        return endpoint().httpUrl();
    }

    /** The child's pid while it runs, for diagnostics. */
    @Override
    public OptionalLong pid() {
        var r = run;
        return r == null ? OptionalLong.empty() : r.child.livePid();
    }

    /** Launches the child, or returns null when a started one is still ready. */
    private Run launch() {
        lock.lock();
        try {
            if (run != null && !run.child.isEnded()) {
                if (run.ready) {
                    return null;
                }
                throw new IllegalStateException(prefix() + " is already starting");
            }
            if (run != null) {
                crashed = new CompletableFuture<>(); // the old run's future stays as it was
            }
            int port = pickPort();
            ChildProcess child;
            try {
                child = ChildProcess.launch(spec.forPort(port), ChildProcess.Output.MERGED,
                        new ChildProcess.Logs(logs, tuning.logFileMaxBytes(), tuning.logFilesKept()), clock,
                        " on port " + port);
            } catch (IOException e) {
                throw new EngineException(prefix() + " could not be launched: " + e.getMessage(), e);
            }
            run = new Run(child, URI.create("http://127.0.0.1:" + port), crashed);
            return run;
        } finally {
            lock.unlock();
        }
    }

    private int pickPort() {
        try {
            return ports.pick();
        } catch (UncheckedIOException e) {
            throw new EngineException(prefix() + " could not start: " + e.getMessage(), e);
        }
    }

    /** False when a stop came first: then the start must fail, not report ready. */
    private boolean markReady(Run r) {
        lock.lock();
        try {
            if (r.stopRequested.isDone()) {
                return false;
            }
            r.ready = true;
        } finally {
            lock.unlock();
        }
        r.child.remember();
        Thread.ofVirtual().name("hearth-watch-" + spec.model()).start(() -> watch(r));
        return true;
    }

    /**
     * Waits for a ready child to exit. Unless stop() asked for it, that is a crash: the orphans
     * it left are stopped too, and only then is the crash reported, so that the scheduler never
     * counts memory free that a surviving grandchild still holds.
     */
    private void watch(Run r) {
        try {
            while (!r.child.awaitExit(TREE_REFRESH)) {
                r.child.remember();
            }
        } catch (InterruptedException e) {
            return;
        }
        lock.lock();
        try {
            if (r.stopRequested.isDone()) {
                return;
            }
        } finally {
            lock.unlock();
        }
        end(r, false);
        r.crashed.complete(prefix() + " exited with code " + r.child.exitCode() + r.child.leftAliveText()
                + "; last log lines:\n" + r.child.lastLinesText(MESSAGE_LINES));
    }

    /**
     * Ends a run: the first caller terminates the tree, later and concurrent ones wait for it.
     *
     * @param requested true for stop() (and what stands for it), so the exit is not a crash
     * @return the pids still alive after SIGKILL
     */
    private List<Long> end(Run r, boolean requested) {
        if (requested) {
            lock.lock();
            try {
                r.stopRequested.complete(null); // under the lock: markReady() must see it, or have gone first
            } finally {
                lock.unlock();
            }
        }
        return r.child.end();
    }

    private String prefix() {
        return "Engine for model '" + spec.model() + "'";
    }

    /** One launch of the child: what start(), stop() and the watcher share. */
    private static final class Run {
        final ChildProcess child;
        final URI url;
        final Endpoint.Http endpoint;
        final CompletableFuture<String> crashed;
        final CompletableFuture<Void> stopRequested = new CompletableFuture<>();
        boolean ready; // guarded by the engine's lock

        Run(ChildProcess child, URI url, CompletableFuture<String> crashed) {
            this.child = child;
            this.url = url;
            this.endpoint = new Endpoint.Http(url);
            this.crashed = crashed;
        }
    }
}
