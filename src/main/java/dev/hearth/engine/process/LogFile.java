package dev.hearth.engine.process;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * An engine's log on disk, rotated by size: when it passes {@code maxBytes} it becomes
 * {@code <name>.1}, the older ones shift up, and only {@code kept} old files remain. A failing
 * disk must not stop the engine, so write errors disable the file instead of throwing.
 */
final class LogFile implements AutoCloseable {
    private final Path path;
    private final long maxBytes;
    private final int kept;
    private OutputStream out;
    private long size;
    private boolean closed;

    LogFile(Path path, long maxBytes, int kept) {
        this.path = path;
        this.maxBytes = maxBytes;
        this.kept = kept;
    }

    /** Appends one line (a newline is added); flushed at once so {@code tail -f} sees it. */
    synchronized void append(String line) {
        appendBuffered(line);
        flush();
    }

    /**
     * Appends one line, written to the file with the next {@link #flush}: a child's lines that
     * arrived together (an engine logs a dozen per request) cost one write, not one each.
     */
    synchronized void appendBuffered(String line) {
        if (closed) {
            return;
        }
        try {
            if (out == null) {
                open();
            }
            byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
            if (size > 0 && size + bytes.length > maxBytes) {
                rotate();
            }
            out.write(bytes);
            size += bytes.length;
        } catch (IOException e) {
            close(); // the lines still reach the in-memory buffer
        }
    }

    /** Writes out the lines appended so far. */
    synchronized void flush() {
        if (closed || out == null) {
            return;
        }
        try {
            out.flush();
        } catch (IOException e) {
            close();
        }
    }

    /** Final: later lines (from a grandchild still holding the pipe) are dropped. */
    @Override
    public synchronized void close() {
        closed = true;
        closeQuietly();
    }

    private void open() throws IOException {
        Path dir = path.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        out = new BufferedOutputStream(Files.newOutputStream(path, StandardOpenOption.CREATE, StandardOpenOption.APPEND),
                64 * 1024);
        size = Files.size(path);
    }

    private void rotate() throws IOException {
        closeQuietly();
        Files.deleteIfExists(numbered(kept));
        for (int i = kept - 1; i >= 1; i--) {
            if (Files.exists(numbered(i))) {
                Files.move(numbered(i), numbered(i + 1), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        if (!Files.exists(path)) {
            // someone removed it under us (a user, logrotate): just start a new one
        } else if (kept >= 1) {
            Files.move(path, numbered(1), StandardCopyOption.REPLACE_EXISTING);
        } else {
            Files.delete(path);
        }
        open();
    }

    Path numbered(int i) {
        return path.resolveSibling(path.getFileName() + "." + i);
    }

    private void closeQuietly() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException ignored) {
                // nothing left to save: the file is being rotated away or abandoned
            }
            out = null;
        }
    }
}
