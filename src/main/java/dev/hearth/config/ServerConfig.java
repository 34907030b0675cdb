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
 * @param apiKeysFile    the API keys file (see {@link KeysFile}), or null for none
 * @param jobLease       how long a running job's claim lasts without a heartbeat; after a crash of
 *                       its node the job is requeued once this has passed (heartbeat: a sixth of it)
 * @param retentionMaxBytes   disk cap for finished jobs' files: the oldest are removed until the rest
 *                            fit; zero = no cap
 * @param promptEnhancer      the chat model that rewrites prompts of jobs asking for it; null = none
 * @param enhancerInstructions the enhancer's system prompt
 * @param maxUserPriority     the highest job {@code priority} a key with role {@code user} may ask for
 * @param proxyTimeouts       every model's proxy timeouts unless its entry sets its own
 * @param ggufServer          the llama-server binary that serves a model given by its {@code path:} (a
 *                            .gguf) and no {@code engine:}; null = Hearth's own llamacpp engine serves
 *                            it (see {@link GgufEngine})
 * @param spread              (scheduler rule 9) place a model on the GPU(s) with the most room left,
 *                            spreading the load; false = best fit, the least left over
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
        Path apiKeysFile,
        Duration jobLease,
        long retentionMaxBytes,
        String promptEnhancer,
        String enhancerInstructions,
        int maxUserPriority,
        ProxyTimeouts proxyTimeouts,
        Path ggufServer,
        boolean spread) {

    public ServerConfig(String host, int port, Path dataDir, String database, long memoryBudget, Duration idleUnload,
                        boolean exclusive, int maxQueue, Duration queueTimeout, Duration jobTimeout,
                        Duration retention, Path apiKeysFile, Duration jobLease, long retentionMaxBytes,
                        String promptEnhancer, String enhancerInstructions, int maxUserPriority,
                        ProxyTimeouts proxyTimeouts, Path ggufServer) {
        this(host, port, dataDir, database, memoryBudget, idleUnload, exclusive, maxQueue, queueTimeout, jobTimeout,
                retention, apiKeysFile, jobLease, retentionMaxBytes, promptEnhancer, enhancerInstructions,
                maxUserPriority, proxyTimeouts, ggufServer, false);
    }

    public static final long AUTO = -1;
    public static final Duration DEFAULT_JOB_LEASE = Duration.ofSeconds(60);

    public ServerConfig(String host, int port, Path dataDir, String database, long memoryBudget, Duration idleUnload,
                        boolean exclusive, int maxQueue, Duration queueTimeout, Duration jobTimeout,
                        Duration retention, Path apiKeysFile) {
        this(host, port, dataDir, database, memoryBudget, idleUnload, exclusive, maxQueue, queueTimeout, jobTimeout,
                retention, apiKeysFile, DEFAULT_JOB_LEASE);
    }

    public ServerConfig(String host, int port, Path dataDir, String database, long memoryBudget, Duration idleUnload,
                        boolean exclusive, int maxQueue, Duration queueTimeout, Duration jobTimeout,
                        Duration retention, Path apiKeysFile, Duration jobLease) {
        this(host, port, dataDir, database, memoryBudget, idleUnload, exclusive, maxQueue, queueTimeout, jobTimeout,
                retention, apiKeysFile, jobLease, 0, null, Defaults.ENHANCER_INSTRUCTIONS, Defaults.MAX_USER_PRIORITY);
    }

    public ServerConfig(String host, int port, Path dataDir, String database, long memoryBudget, Duration idleUnload,
                        boolean exclusive, int maxQueue, Duration queueTimeout, Duration jobTimeout,
                        Duration retention, Path apiKeysFile, Duration jobLease, long retentionMaxBytes,
                        String promptEnhancer, String enhancerInstructions, int maxUserPriority) {
        this(host, port, dataDir, database, memoryBudget, idleUnload, exclusive, maxQueue, queueTimeout, jobTimeout,
                retention, apiKeysFile, jobLease, retentionMaxBytes, promptEnhancer, enhancerInstructions,
                maxUserPriority, null);
    }

    public ServerConfig(String host, int port, Path dataDir, String database, long memoryBudget, Duration idleUnload,
                        boolean exclusive, int maxQueue, Duration queueTimeout, Duration jobTimeout,
                        Duration retention, Path apiKeysFile, Duration jobLease, long retentionMaxBytes,
                        String promptEnhancer, String enhancerInstructions, int maxUserPriority,
                        ProxyTimeouts proxyTimeouts) {
        this(host, port, dataDir, database, memoryBudget, idleUnload, exclusive, maxQueue, queueTimeout, jobTimeout,
                retention, apiKeysFile, jobLease, retentionMaxBytes, promptEnhancer, enhancerInstructions,
                maxUserPriority, proxyTimeouts, null);
    }

    public ServerConfig {
        proxyTimeouts = proxyTimeouts == null ? ProxyTimeouts.DEFAULTS : proxyTimeouts;
        jobLease = jobLease == null ? DEFAULT_JOB_LEASE : jobLease;
        enhancerInstructions = enhancerInstructions == null ? Defaults.ENHANCER_INSTRUCTIONS : enhancerInstructions;
    }

    public boolean autoBudget() { return memoryBudget == AUTO; }
}
