package dev.hearth.engine.worker;

import dev.hearth.config.JobLimits;
import dev.hearth.engine.process.ChildProcess;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * One launch of a worker: the {@link ChildProcess} (whose log is its stderr), and a reader that
 * turns its stdout into {@link Event}s on one queue. Whoever waits on the worker (start, a job)
 * takes from that queue and decides alone; the reader only parses, and {@link WorkerEngine#cancel}
 * only enqueues.
 */
final class WorkerProcess {
    sealed interface Event { }

    record Message(WorkerMessages.FromWorker message) implements Event { }

    /** The worker's stdout closed and the process is gone; always the last event. */
    record Exited() implements Event { }

    /** Asked by {@link WorkerEngine#cancel}; the job's thread sends the {@code cancel}. */
    record CancelRequest(String job) implements Event { }

    final ChildProcess child;
    final CompletableFuture<String> crashed;
    final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final InstantSource clock;
    private final OutputStream stdin;
    private volatile Instant lastMessageAt;
    volatile String currentJob;   // the job whose events are on the queue, for cancel()
    volatile JobLimits limits = JobLimits.NONE; // what its ready message advertised
    // guarded by this
    private boolean ready;
    private boolean deliberate;    // stop() or a kill of ours: the exit is not a crash
    private boolean crashReported; // a job's outcome already said it crashed

    WorkerProcess(ChildProcess child, InstantSource clock, CompletableFuture<String> crashed) {
        this.child = child;
        this.clock = clock;
        this.crashed = crashed;
        this.stdin = child.stdin();
        this.lastMessageAt = clock.instant();
    }

    void start(String name, Runnable onExited) {
        Thread.ofVirtual().name("hearth-worker-" + name).start(() -> {
            readStdout();
            events.add(new Exited());
            onExited.run();
        });
    }

    /** When the worker last sent a protocol line (or when launched). */
    Instant lastMessageAt() { return lastMessageAt; }

    /** When it last showed life on either stream: what slides the start deadline. */
    Instant lastSignOfLife() {
        Instant log = child.lastLineAt();
        return log.isAfter(lastMessageAt) ? log : lastMessageAt;
    }

    /** Resets the stall clock: a job starts now. */
    void heardNow() { lastMessageAt = clock.instant(); }

    /** Sends one message; false when the worker's stdin is closed (it is dying: Exited follows). */
    synchronized boolean send(Record message) {
        try {
            stdin.write((WorkerMessages.write(message) + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A line of Hearth's own, in the buffer and the file, so the user sees why a worker was treated so. */
    void note(String what) {
        child.explain(what);
    }

    /** False when a stop came first: then the start must fail, not report ready. */
    synchronized boolean markReady() {
        if (!deliberate) {
            ready = true;
        }
        return ready;
    }

    synchronized boolean isReady() { return ready; }

    synchronized boolean isDeliberate() { return deliberate; }

    synchronized void markDeliberate() { deliberate = true; }

    /** A job's outcome reported the exit, so the idle watch must not report it again. */
    synchronized void markCrashReported() { crashReported = true; }

    /** Whether its exit, just seen, is a crash nobody else reports: it was ready, idle and not ended by us. */
    synchronized boolean exitIsNews() { return ready && !deliberate && !crashReported; }

    /**
     * Ends this launch: the first caller terminates the tree, later and concurrent ones wait for it.
     *
     * @param deliberate true when we end it (stop, stall, cancel grace), so the exit is not a crash
     * @return the pids still alive after SIGKILL
     */
    List<Long> end(boolean deliberate) {
        synchronized (this) {
            this.deliberate |= deliberate;
        }
        return child.end();
    }

    private void readStdout() {
        try (var in = new BufferedReader(new InputStreamReader(child.stdout(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                lastMessageAt = clock.instant();
                if (!line.isBlank()) {
                    parse(line);
                }
            }
        } catch (IOException e) {
            // the pipe closed under us (the worker was killed)
        }
        try {
            child.awaitExit(); // Exited must mean gone: a worker may close stdout and live on
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void parse(String line) {
        try {
            var message = WorkerMessages.parseFromWorker(line);
            if (message instanceof WorkerMessages.Unknown u) {
                note("ignored a message of unknown type '" + u.type() + "'");
                return;
            }
            events.add(new Message(message));
        } catch (WorkerMessages.MalformedLine e) {
            // a stray print() to stdout must not fail the job: the stall timer still guards it
            note("protocol error: " + e.getMessage() + " in line: " + abbreviate(line));
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "…";
    }
}
