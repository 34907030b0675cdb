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
 */
final class LogPump {
    /** Longer lines are cut: a progress bar that never writes a newline must not fill the heap. */
    static final int MAX_LINE_BYTES = 16 * 1024;

    private final InputStream in;
    private final LogBuffer ring;
    private final LogFile file;
    private final InstantSource clock;
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    private volatile Instant lastLineAt;

    LogPump(InputStream in, LogBuffer ring, LogFile file, InstantSource clock) {
        this.in = in;
        this.ring = ring;
        this.file = file;
        this.clock = clock;
        this.lastLineAt = clock.instant();
    }

    void start(String threadName) {
        Thread.ofPlatform().daemon().name(threadName).start(this::run);
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

    private void run() {
        try (in) {
            readLines();
        } catch (IOException e) {
            // the pipe closed under us (the child was killed): the lines so far are kept
        } finally {
            publish(); // what was read before the pipe broke
            drained.complete(null);
        }
    }

    /** Splits on \n, \r\n and a lone \r (tqdm redraws its progress bar with \r). */
    private void readLines() throws IOException {
        byte[] buf = new byte[8192];
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
