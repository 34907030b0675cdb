package dev.hearth.engine.process;

import dev.hearth.engine.LogBuffer;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
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
 * log file, on one virtual thread. It also remembers when the last line came: a child that
 * keeps writing is making progress, which is what slides the start deadline.
 */
final class LogPump {
    /** Longer lines are cut: a progress bar that never writes a newline must not fill the heap. */
    static final int MAX_LINE_CHARS = 16 * 1024;

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
        Thread.ofVirtual().name(threadName).start(this::run);
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
        try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            readLines(reader);
        } catch (IOException e) {
            // the pipe closed under us (the child was killed): the lines so far are kept
        } finally {
            publish(); // what was read before the pipe broke
            drained.complete(null);
        }
    }

    /** Splits on \n, \r\n and a lone \r (tqdm redraws its progress bar with \r). */
    private void readLines(Reader reader) throws IOException {
        char[] buf = new char[8192];
        var line = new StringBuilder();
        boolean afterCr = false;
        int n;
        while ((n = reader.read(buf)) != -1) {
            for (int i = 0; i < n; i++) {
                char c = buf[i];
                if (c == '\n' && afterCr) {
                    afterCr = false;
                    continue;
                }
                afterCr = c == '\r';
                if (c == '\n' || c == '\r') {
                    emit(line);
                } else if (line.length() < MAX_LINE_CHARS) {
                    line.append(c);
                }
            }
            publish();
        }
        if (!line.isEmpty()) {
            emit(line);
        }
        publish();
    }

    private final List<String> pending = new ArrayList<>();

    private void emit(StringBuilder line) {
        pending.add(line.toString());
        line.setLength(0);
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
