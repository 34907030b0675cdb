package dev.hearth.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
    /** After SIGKILL, how long to wait before reporting a process the kernel will not release. */
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);
    /** How long to wait for the last lines of a dead child to reach the buffer. */
    private static final Duration DRAIN_WAIT = Duration.ofSeconds(1);
    /** How often a ready engine's process tree is looked at, to remember new descendants. */
    private static final Duration TREE_REFRESH = Duration.ofSeconds(2);

    private final ProcessSpec spec;
    private final PortPicker ports;
    private final HttpClient http;
    private final InstantSource clock;
    private final Tuning tuning;
    private final LogBuffer logs;
    private final ReentrantLock lock = new ReentrantLock();
    private Run run;                                        // guarded by lock: the latest start's
    private CompletableFuture<String> crashed = new CompletableFuture<>(); // guarded by lock

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
                    () -> r.pump.lastLineAt().plus(spec.startTimeout()),
                    CompletableFuture.anyOf(r.process.onExit(), r.stopRequested),
                    r.tree::remember);
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
            throw new EngineException(prefix() + " was stopped while starting." + leftAlive(r));
        }
        end(r, false);
        if (outcome == Readiness.Outcome.TIMED_OUT) {
            throw new EngineException(prefix() + " timed out while starting: no log output and no ready answer for "
                    + Text.human(spec.startTimeout()) + " (last check: " + readiness.lastProblem() + ")." + leftAlive(r)
                    + " Last log lines:\n" + lastLines(r));
        }
        throw new EngineException(prefix() + " exited with code " + Text.exitCode(r.process) + " while starting." + leftAlive(r)
                + " Last log lines:\n" + lastLines(r));
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
        end(r, true);
        if (!r.leftAlive.isEmpty()) {
            throw new EngineException(prefix() + " did not stop:" + leftAlive(r));
        }
    }

    /**
     * The crash of the current run (or of the next one, before the first start). Each call
     * returns a copy, so a caller cannot complete or cancel it for others.
     */
    @Override
    public CompletableFuture<String> crashed() {
        lock.lock();
        try {
            return crashed.copy();
        } finally {
            lock.unlock();
        }
    }

    /** {@code http://127.0.0.1:PORT} while ready, else null. */
    @Override
    public URI baseUrl() {
        lock.lock();
        try {
            return run != null && run.ready && run.ended == null ? run.url : null;
        } finally {
            lock.unlock();
        }
    }

    /** The child's pid while it runs, for diagnostics. */
    public OptionalLong pid() {
        lock.lock();
        try {
            return run != null && run.process.isAlive() ? OptionalLong.of(run.process.pid()) : OptionalLong.empty();
        } finally {
            lock.unlock();
        }
    }

    /** Launches the child, or returns null when a started one is still ready. */
    private Run launch() {
        lock.lock();
        try {
            if (run != null && run.ended == null) {
                if (run.ready) {
                    return null;
                }
                throw new IllegalStateException(prefix() + " is already starting");
            }
            if (run != null) {
                crashed = new CompletableFuture<>(); // the old run's future stays as it was
            }
            int port = pickPort();
            List<String> argv = spec.argvFor(port);
            var builder = new ProcessBuilder(argv).redirectErrorStream(true);
            if (spec.cwd() != null) {
                builder.directory(spec.cwd().toFile());
            }
            builder.environment().putAll(spec.envFor(port));
            LogFile file = spec.logFile() == null
                    ? null
                    : new LogFile(spec.logFile(), tuning.logFileMaxBytes(), tuning.logFilesKept());
            note(file, "starting on port " + port + ": " + String.join(" ", argv));
            Process process;
            try {
                process = builder.start();
            } catch (IOException e) {
                note(file, "could not launch: " + e.getMessage());
                if (file != null) {
                    file.close();
                }
                throw new EngineException(prefix() + " could not be launched: " + e.getMessage(), e);
            }
            long firstLine = logs.written(); // before the pump runs, or a fast child's lines are not "its"
            var pump = new LogPump(process.getInputStream(), logs, file, clock);
            run = new Run(process, new ProcessTree(process), pump, file,
                    URI.create("http://127.0.0.1:" + port), firstLine, crashed);
            pump.start("hearth-log-" + spec.model());
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
        r.tree.remember();
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
            while (!exited(r.process, TREE_REFRESH)) {
                r.tree.remember();
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
        r.crashed.complete(prefix() + " exited with code " + Text.exitCode(r.process) + leftAlive(r)
                + "; last log lines:\n" + lastLines(r));
    }

    private static boolean exited(Process p, Duration wait) throws InterruptedException {
        try {
            p.onExit().get(wait.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return !p.isAlive();
        }
    }

    /**
     * Ends a run: the first caller terminates the tree, later and concurrent ones wait for it.
     *
     * @param requested true for stop() (and what stands for it), so the exit is not a crash
     */
    private void end(Run r, boolean requested) {
        CompletableFuture<Void> ended;
        boolean owner = false;
        lock.lock();
        try {
            if (requested) {
                r.stopRequested.complete(null);
            }
            if (r.ended == null) {
                r.ended = new CompletableFuture<>();
                owner = true;
            }
            ended = r.ended;
        } finally {
            lock.unlock();
        }
        if (owner) {
            try {
                terminate(r);
            } finally {
                ended.complete(null);
            }
        } else {
            ended.join();
        }
    }

    private void terminate(Run r) {
        try {
            r.leftAlive = r.tree.terminate(spec.stopGrace(), KILL_WAIT);
        } catch (InterruptedException e) {
            r.tree.alive().forEach(ProcessHandle::destroyForcibly);
            Thread.currentThread().interrupt();
        }
        r.pump.awaitDrained(DRAIN_WAIT);
        note(r.file, r.process.isAlive() ? "still running after SIGKILL" : "exited with code " + Text.exitCode(r.process));
        if (r.file != null) {
            r.file.close();
        }
    }

    /** A line of Hearth's own in the log file (not in the buffer: it is not the engine's progress). */
    private void note(LogFile file, String what) {
        if (file != null) {
            file.append("--- hearth " + clock.instant() + ": model '" + spec.model() + "' " + what + " ---");
        }
    }

    private String prefix() {
        return "Engine for model '" + spec.model() + "'";
    }

    private String lastLines(Run r) {
        long ofThisRun = logs.written() - r.firstLine;
        List<String> lines = logs.tail((int) Math.min(MESSAGE_LINES, ofThisRun));
        return lines.isEmpty() ? "(no output)" : String.join("\n", lines);
    }

    private static String leftAlive(Run r) {
        return r.leftAlive.isEmpty() ? "" : " Processes " + r.leftAlive + " were still alive after SIGKILL.";
    }

    /** One launch of the child: what start(), stop() and the watcher share, guarded by the lock. */
    private static final class Run {
        final Process process;
        final ProcessTree tree;
        final LogPump pump;
        final LogFile file;
        final URI url;
        final long firstLine;
        final CompletableFuture<String> crashed;
        final CompletableFuture<Void> stopRequested = new CompletableFuture<>();
        boolean ready;
        CompletableFuture<Void> ended;
        volatile List<Long> leftAlive = List.of();

        Run(Process process, ProcessTree tree, LogPump pump, LogFile file, URI url, long firstLine,
                CompletableFuture<String> crashed) {
            this.process = process;
            this.tree = tree;
            this.pump = pump;
            this.file = file;
            this.url = url;
            this.firstLine = firstLine;
            this.crashed = crashed;
        }
    }
}
