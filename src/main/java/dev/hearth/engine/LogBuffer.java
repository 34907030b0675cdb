package dev.hearth.engine;

import java.util.ArrayDeque;
import java.util.List;

/** The last lines an engine wrote, kept in memory for /api/models/{m}/logs and error messages. */
public final class LogBuffer {
    private final int capacity;
    private final ArrayDeque<String> lines;
    private long written;
    private volatile Runnable freshen = () -> {};

    public LogBuffer(int capacity) {
        this.capacity = capacity;
        this.lines = new ArrayDeque<>(capacity);
    }

    public synchronized void add(String line) {
        if (lines.size() == capacity) {
            lines.removeFirst();
        }
        lines.addLast(line);
        written++;
    }

    /**
     * What makes every line written so far readable here before {@link #tail} reads: a log pump
     * that waits between reads of an engine's output reads at once instead (bounded).
     */
    public void freshenWith(Runnable freshen) {
        this.freshen = freshen;
    }

    /** The last {@code n} lines, oldest first: every line the engine had written when called. */
    public List<String> tail(int n) {
        return tail(n, 0);
    }

    /**
     * The last {@code n} of the lines written after the first {@code after} ({@link #written} then),
     * oldest first: one launch's lines, not an earlier launch's.
     */
    public List<String> tail(int n, long after) {
        freshen.run(); // outside the lock: the pump adds its lines under it
        synchronized (this) {
            long k = Math.max(0, Math.min(n, written - after));
            return lines.stream().skip(Math.max(0, lines.size() - k)).toList();
        }
    }

    /** Lines written since creation; grows while the engine shows progress. */
    public synchronized long written() { return written; }
}
