package dev.hearth.engine;

import java.util.ArrayDeque;
import java.util.List;

/** The last lines an engine wrote, kept in memory for /api/models/{m}/logs and error messages. */
public final class LogBuffer {
    private final int capacity;
    private final ArrayDeque<String> lines;
    private long written;

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

    /** The last {@code n} lines, oldest first. */
    public synchronized List<String> tail(int n) {
        return lines.stream().skip(Math.max(0, lines.size() - n)).toList();
    }

    /** Lines written since creation; grows while the engine shows progress. */
    public synchronized long written() { return written; }
}
