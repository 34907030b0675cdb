package dev.hearth.engine.process;

import dev.hearth.engine.LogBuffer;
import dev.hearth.engine.Text;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One launch of an engine child, for every kind that runs one (HTTP servers, workers): spawn with
 * its env and cwd, pump its log into the engine's {@link LogBuffer} and log file, remember its
 * process tree, and end it — SIGTERM to the whole tree, grace, SIGKILL, and return only once every
 * process is gone, since only then is its memory free.
 *
 * <p>What the child speaks, and so how it shows it is ready and what its exit means, is the
 * engine's business; this class gives it the signs to decide on: {@link #lastLineAt()} (the log
 * shows progress, which slides a start deadline), {@link #onExit()}, {@link #awaitExit}.
 *
 * <p>Thread-safe: a start, a stop and an exit watcher may all end it at once; the first one
 * terminates the tree and the others wait for that.
 */
public final class ChildProcess {
    /** After SIGKILL, how long to wait before reporting a process the kernel will not release. */
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);
    /** How long to wait for the last lines of a dead child to reach the buffer. */
    private static final Duration DRAIN_WAIT = Duration.ofSeconds(1);
    /** At most this long a reader of the log waits for the pump to read what the child wrote. */
    private static final Duration CATCH_UP_WAIT = Duration.ofSeconds(1);

    /** Which of the child's streams is its log. */
    public enum Output {
        /** stdout and stderr together (a server: both are log). */
        MERGED,
        /** stderr only; stdout is left to the engine ({@link #stdout()}: a protocol). */
        STDERR
    }

    /**
     * Where and how much of the log is kept.
     *
     * @param buffer       the engine's in-memory lines; it outlives launches, so lines are counted per launch
     * @param fileMaxBytes size at which the log file is rotated
     * @param filesKept    rotated files kept ({@code x.log.1} … {@code x.log.N})
     */
    public record Logs(LogBuffer buffer, long fileMaxBytes, int filesKept) {
        public static Logs of(LogBuffer buffer) {
            return new Logs(buffer, 10L * 1024 * 1024, 3);
        }
    }

    private final ChildSpec spec;
    private final Process process;
    private final ProcessTree tree;
    private final LogPump pump;
    private final LogFile file;
    private final LogBuffer logs;
    private final InstantSource clock;
    private final long firstLine;
    private volatile List<Long> leftAlive = List.of();
    private CompletableFuture<Void> ended; // guarded by this

    private ChildProcess(ChildSpec spec, Process process, LogFile file, Logs logs, Output output, InstantSource clock) {
        this.spec = spec;
        this.process = process;
        this.tree = new ProcessTree(process);
        this.file = file;
        this.logs = logs.buffer();
        this.clock = clock;
        this.firstLine = this.logs.written(); // before the pump runs, or a fast child's lines are not "its"
        this.pump = new LogPump(output == Output.MERGED ? process.getInputStream() : process.getErrorStream(),
                this.logs, file, clock);
        this.logs.freshenWith(() -> pump.catchUp(CATCH_UP_WAIT));
    }

    /**
     * Launches the child and starts pumping its log.
     *
     * @param where what the "starting" note in the log file adds (" on port 8123"), or ""
     * @throws IOException when it could not be launched at all (no such program, a bad cwd)
     */
    public static ChildProcess launch(ChildSpec spec, Output output, Logs logs, InstantSource clock, String where)
            throws IOException {
        var builder = new ProcessBuilder(spec.argv()).redirectErrorStream(output == Output.MERGED);
        if (spec.cwd() != null) {
            builder.directory(spec.cwd().toFile());
        }
        builder.environment().putAll(spec.env());
        LogFile file = spec.logFile() == null ? null : new LogFile(spec.logFile(), logs.fileMaxBytes(), logs.filesKept());
        note(file, clock, spec, "starting" + where + ": " + String.join(" ", spec.argv()));
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            note(file, clock, spec, "could not launch: " + e.getMessage());
            if (file != null) {
                file.close();
            }
            throw e;
        }
        var child = new ChildProcess(spec, process, file, logs, output, clock);
        child.pump.start("hearth-log-" + spec.model());
        return child;
    }

    public long pid() { return process.pid(); }

    public boolean isAlive() { return process.isAlive(); }

    /** The pid while the child runs, for diagnostics (the same pid across jobs shows a model stayed loaded). */
    public OptionalLong livePid() {
        return process.isAlive() ? OptionalLong.of(process.pid()) : OptionalLong.empty();
    }

    /** The child's exit value; only once it has exited. */
    public int exitValue() { return process.exitValue(); }

    /** The exit code as messages show it ("143 (killed by signal 15)"). */
    public String exitCode() { return Text.exitCode(process); }

    public CompletableFuture<Process> onExit() { return process.onExit(); }

    /** True when the child (not its tree) exited within {@code max}. */
    public boolean awaitExit(Duration max) throws InterruptedException {
        return process.waitFor(max.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Until the child (not its tree) has exited. */
    public void awaitExit() throws InterruptedException {
        process.waitFor();
    }

    /** The child's stdout, when it is not the log ({@link Output#STDERR}). */
    public InputStream stdout() { return process.getInputStream(); }

    public OutputStream stdin() { return process.getOutputStream(); }

    /** When the child last wrote a log line (or when it was launched): progress, which slides a start deadline. */
    public Instant lastLineAt() { return pump.lastLineAt(); }

    /**
     * Looks at the tree now to remember new descendants: once the child dies they are re-parented
     * and can no longer be found through it, yet may still hold GPU memory.
     */
    public void remember() { tree.remember(); }

    /** A lifecycle line of Hearth's own in the log file only: it is not the engine's progress. */
    public void note(String what) {
        note(file, clock, spec, what);
    }

    /** A line of Hearth's own in the buffer and the file, so the user sees why the child was treated so. */
    public void explain(String what) {
        String line = "--- hearth " + clock.instant() + ": " + what + " ---";
        logs.add(line);
        if (file != null) {
            file.append(line);
        }
    }

    /** Up to {@code max} last lines of this launch (not of an earlier one), oldest first. */
    public List<String> lastLines(int max) {
        return logs.tail(max, firstLine); // counted after the pump has caught up
    }

    /** {@link #lastLines} joined for a message, or "(no output)". */
    public String lastLinesText(int max) {
        List<String> lines = lastLines(max);
        return lines.isEmpty() ? "(no output)" : String.join("\n", lines);
    }

    /** Whether {@link #end} has begun. */
    public synchronized boolean isEnded() { return ended != null; }

    /** {@link #end(Duration)} with the spec's {@code stopGrace}. */
    public List<Long> end() {
        return end(spec.stopGrace());
    }

    /**
     * Ends the launch: the first caller sends SIGTERM to the tree, waits {@code grace}, SIGKILLs
     * the survivors, drains the last lines and closes the file; later and concurrent callers wait
     * for it. Interrupted, it kills at once and keeps the interrupt.
     *
     * @return the pids still alive after SIGKILL: empty unless the kernel is stuck (a GPU driver call)
     */
    public List<Long> end(Duration grace) {
        CompletableFuture<Void> done;
        boolean owner = false;
        synchronized (this) {
            if (ended == null) {
                ended = new CompletableFuture<>();
                owner = true;
            }
            done = ended;
        }
        if (owner) {
            try {
                terminate(grace);
            } finally {
                done.complete(null);
            }
        } else {
            done.join();
        }
        return leftAlive;
    }

    /** " Processes [..] were still alive after SIGKILL." when {@link #end} left some, else "". */
    public String leftAliveText() {
        List<Long> left = leftAlive;
        return left.isEmpty() ? "" : " Processes " + left + " were still alive after SIGKILL.";
    }

    public List<Long> leftAlive() { return leftAlive; }

    /** Whether a process has exited (a zombie counts: it holds no memory). */
    public static boolean gone(long pid) {
        return ProcessTree.gone(pid);
    }

    private void terminate(Duration grace) {
        try {
            leftAlive = tree.terminate(grace, KILL_WAIT);
        } catch (InterruptedException e) {
            tree.alive().forEach(ProcessHandle::destroyForcibly);
            Thread.currentThread().interrupt();
        }
        pump.awaitDrained(DRAIN_WAIT);
        note(process.isAlive() ? "still running after SIGKILL" : "exited with code " + exitCode());
        if (file != null) {
            file.close();
        }
    }

    private static void note(LogFile file, InstantSource clock, ChildSpec spec, String what) {
        if (file != null) {
            file.append("--- hearth " + clock.instant() + ": model '" + spec.model() + "' " + what + " ---");
        }
    }
}
