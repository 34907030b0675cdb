package dev.hearth.engine.process;

import dev.hearth.engine.LogBuffer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Copies a child's merged stdout/stderr, line by line, into the engine's {@link LogBuffer} and
 * log file, on one platform thread of its own. It also remembers when the last line came: a child
 * that keeps writing is making progress, which is what slides the start deadline.
 *
 * <p>A platform thread, and bytes rather than a {@code Reader}: a virtual thread blocked reading a
 * pipe holds its carrier, and the JDK wakes another carrier to stand in for it on every read — an
 * engine that logs a dozen lines per request cost the gateway ~5 % of its CPU that way (profile in
 * BENCHMARKS.md). {@code \n} and {@code \r} never occur inside a UTF-8 sequence, so lines are cut
 * as bytes and decoded whole.
 *
 * <p>After a read that found only a little, the pump {@linkplain #LINGER lingers} before the next:
 * an engine writes its per-request lines one {@code write} at a time, and reading each as it came
 * woke this thread eight times per request — a thread switch each, taken from the engine on a
 * small machine. Lingering, the lines of a request (or of several) gather in the pipe and come in
 * one read. A child that writes fast fills the read and is read again at once, so the pipe's 64 KiB
 * never fill from a pause. A reader of the buffer does not wait for the pause: {@link #catchUp}
 * (the buffer's {@linkplain LogBuffer#freshenWith freshener}) ends it, so a line the engine wrote
 * before the read is in what it reads, as when every write was read as it came.
 */
final class LogPump {
    /** Longer lines are cut: a progress bar that never writes a newline must not fill the heap. */
    static final int MAX_LINE_BYTES = 16 * 1024;
    /** How long the pump waits, after a read that found less than {@link #FULL_READ}, before the next. */
    static final Duration LINGER = Duration.ofMillis(50);
    /** A read this big is a child writing fast: the next read comes at once. */
    static final int FULL_READ = 16 * 1024;
    private static final int BUFFER = 64 * 1024; // a Linux pipe's capacity: one read empties it

    /** What the pump does between a read that found little and the next (tests pass their own). */
    interface Linger {
        void pause() throws InterruptedException;
    }

    private final InputStream in;
    private final LogBuffer ring;
    private final LogFile file;
    private final InstantSource clock;
    private final Linger linger;
    private boolean lingering = true; // only the pump's thread
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    private volatile Instant lastLineAt;

    /** Guards the pause and the count of reads published, between the pump and {@link #catchUp}. */
    private final Object gate = new Object();
    private boolean pausing; // guarded by gate
    private boolean wanted; // guarded by gate: a reader ended the pause
    private long published; // guarded by gate: reads whose lines are in the buffer
    private boolean over; // guarded by gate: the child's output has ended
    private volatile Thread thread;

    LogPump(InputStream in, LogBuffer ring, LogFile file, InstantSource clock) {
        this(in, ring, file, clock, LINGER);
    }

    /** Pausing {@code lingerFor} (tests wait longer, to see a reader end the pause). */
    LogPump(InputStream in, LogBuffer ring, LogFile file, InstantSource clock, Duration lingerFor) {
        this(in, ring, file, clock, (Linger) null, lingerFor);
    }

    /** Doing {@code linger} instead of pausing (tests act in the pause). */
    LogPump(InputStream in, LogBuffer ring, LogFile file, InstantSource clock, Linger linger) {
        this(in, ring, file, clock, linger, LINGER);
    }

    private LogPump(InputStream in, LogBuffer ring, LogFile file, InstantSource clock, Linger linger,
                    Duration lingerFor) {
        this.in = in;
        this.ring = ring;
        this.file = file;
        this.clock = clock;
        this.linger = linger != null ? linger : () -> pause(lingerFor);
        this.lastLineAt = clock.instant();
    }

    void start(String threadName) {
        thread = Thread.ofPlatform().daemon().name(threadName).unstarted(this::run);
        thread.start();
    }

    /** The default {@link Linger}: {@code lingerFor}, or until a reader wants the lines now. */
    private void pause(Duration lingerFor) throws InterruptedException {
        synchronized (gate) {
            long until = System.nanoTime() + lingerFor.toNanos();
            pausing = true;
            try {
                for (long left; !wanted && (left = until - System.nanoTime()) > 0; ) {
                    gate.wait(Math.max(1, left / 1_000_000));
                }
            } finally {
                pausing = false;
                wanted = false;
            }
        }
    }

    /**
     * Waits (at most {@code max}) until what the child has written is in the buffer: a pump pausing
     * with lines in the pipe reads them at once. One blocked on an empty pipe, or pausing on one, has
     * nothing unread, and nothing to wait for.
     */
    void catchUp(Duration max) {
        if (Thread.currentThread() == thread) return;
        synchronized (gate) {
            if (!pausing || over || !unread()) return;
            wanted = true;
            gate.notifyAll();
            long after = published + 1;
            long until = System.nanoTime() + max.toNanos();
            try {
                for (long left; published < after && !over && (left = until - System.nanoTime()) > 0; ) {
                    gate.wait(Math.max(1, left / 1_000_000));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Whether the pump is in its pause between reads (for tests). */
    boolean pausing() {
        synchronized (gate) {
            return pausing;
        }
    }

    /** When the child last wrote a line (or when the pump was made, before any line). */
    Instant lastLineAt() { return lastLineAt; }

    /**
     * Waits until the child's output is closed and every line is in the buffer. Bounded, because
     * a grandchild that inherited the pipe can hold it open after the child is gone.
     */
    boolean awaitDrained(Duration max) {
        try {
            drained.get(max.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException | ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Whether the pipe holds bytes not read yet; only while pausing, so never while a read blocks. */
    private boolean unread() {
        try {
            return in.available() > 0;
        } catch (IOException e) {
            return false; // closed: the pump is about to end, with what it read
        }
    }

    private void run() {
        try (in) {
            readLines();
        } catch (IOException e) {
            // the pipe closed under us (the child was killed): the lines so far are kept
        } finally {
            publish(); // what was read before the pipe broke
            synchronized (gate) {
                over = true;
                gate.notifyAll();
            }
            drained.complete(null);
        }
    }

    /** Splits on \n, \r\n and a lone \r (tqdm redraws its progress bar with \r). */
    private void readLines() throws IOException {
        byte[] buf = new byte[BUFFER];
        byte[] line = new byte[256];
        int length = 0;
        boolean afterCr = false;
        int n;
        while ((n = in.read(buf)) != -1) {
            for (int i = 0; i < n; i++) {
                byte b = buf[i];
                if (b == '\n' && afterCr) {
                    afterCr = false;
                    continue;
                }
                afterCr = b == '\r';
                if (b == '\n' || b == '\r') {
                    emit(line, length);
                    length = 0;
                } else if (length < MAX_LINE_BYTES) {
                    if (length == line.length) {
                        line = java.util.Arrays.copyOf(line, Math.min(MAX_LINE_BYTES, line.length * 2));
                    }
                    line[length++] = b;
                }
            }
            publish();
            synchronized (gate) {
                published++;
                gate.notifyAll();
            }
            if (n < FULL_READ && lingering) {
                try {
                    linger.pause();
                } catch (InterruptedException e) {
                    lingering = false; // nothing interrupts the pump; if something does, it reads on without pauses
                }
            }
        }
        if (length > 0) {
            emit(line, length);
        }
        publish();
    }

    private final List<String> pending = new ArrayList<>();

    private void emit(byte[] line, int length) {
        pending.add(new String(line, 0, length, StandardCharsets.UTF_8));
    }

    /**
     * The lines that arrived together: into the file with one write (an engine logs a dozen lines
     * per request), then into the buffer, so a line seen there is already in the file.
     */
    private void publish() {
        if (pending.isEmpty()) {
            return;
        }
        if (file != null) {
            pending.forEach(file::appendBuffered);
            file.flush();
        }
        pending.forEach(ring::add);
        pending.clear();
        lastLineAt = clock.instant();
    }
}
