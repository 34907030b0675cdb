package dev.hearth.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The server section of hearth.yaml with defaults applied.
 *
 * @param host           interface to listen on (loopback by default)
 * @param port           port; 0 picks a free one (tests)
 * @param dataDir        jobs.db, outputs/, inputs/, logs/
 * @param database       "sqlite" or a jdbc:postgresql URL
 * @param memoryBudget   bytes, or -1 for auto (GPU total, else MemAvailable)
 * @param idleUnload     default idle TTL; zero = never
 * @param exclusive      one model loaded at a time
 * @param maxQueue       default per-model queue bound
 * @param queueTimeout   default time a request waits for capacity; zero = 503 at once
 * @param jobTimeout     a running job longer than this fails; zero = no limit
 * @param retention      finished jobs older than this are removed; zero = keep forever
 * @param apiKeysFile    file with one API key a line, or null for none
 */
public record ServerConfig(
        String host,
        int port,
        Path dataDir,
        String database,
        long memoryBudget,
        Duration idleUnload,
        boolean exclusive,
        int maxQueue,
        Duration queueTimeout,
        Duration jobTimeout,
        Duration retention,
        Path apiKeysFile) {

    public static final long AUTO = -1;

    public boolean autoBudget() { return memoryBudget == AUTO; }
}
