package dev.hearth.scheduler;

import dev.hearth.catalog.Task;
import dev.hearth.catalog.HearthConfig;
import dev.hearth.catalog.ModelSpec;
import dev.hearth.config.ServerConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Model specs and configs for scheduler tests, with the defaults a real config would have. */
final class Specs {
    static final long MIB = 1024L * 1024, GIB = 1024 * MIB;

    private Specs() {}

    static Builder model(String name, long memoryBytes) {
        return new Builder(name, memoryBytes);
    }

    static HearthConfig config(boolean exclusive, Builder... models) {
        ServerConfig server = new ServerConfig("127.0.0.1", 0, Path.of("data"), "sqlite", -1,
                Duration.ofMinutes(30), exclusive, 100, Duration.ofSeconds(30), Duration.ofMinutes(60),
                Duration.ofDays(7), null);
        Map<String, ModelSpec> specs = new LinkedHashMap<>();
        for (Builder b : models) {
            specs.put(b.name, b.build());
        }
        return new HearthConfig(server, specs, null);
    }

    static HearthConfig config(Builder... models) {
        return config(false, models);
    }

    /** With {@code server.placement: spread} (rule 9). */
    static HearthConfig spread(Builder... models) {
        HearthConfig c = config(false, models);
        ServerConfig s = c.server();
        return new HearthConfig(new ServerConfig(s.host(), s.port(), s.dataDir(), s.database(), s.memoryBudget(),
                s.idleUnload(), s.exclusive(), s.maxQueue(), s.queueTimeout(), s.jobTimeout(), s.retention(),
                s.apiKeysFile(), s.jobLease(), s.retentionMaxBytes(), s.promptEnhancer(), s.enhancerInstructions(),
                s.maxUserPriority(), s.proxyTimeouts(), s.ggufServer(), true), c.models(), null);
    }

    static final class Builder {
        private final String name;
        private final long memory;
        private List<String> aliases = List.of();
        private Duration idle = Duration.ofMinutes(15);
        private boolean pinned;
        private int maxConcurrency = 4;
        private int maxQueue = 100;
        private Duration queueTimeout = Duration.ofSeconds(30);
        private Duration maxWait = dev.hearth.config.Defaults.MAX_WAIT;
        private Duration minResidency = Duration.ZERO;
        private dev.hearth.config.Gpus gpus = dev.hearth.config.Gpus.ANY_ONE;
        private int sleep;
        private boolean worker;

        private Builder(String name, long memory) {
            this.name = name;
            this.memory = memory;
        }

        Builder aliases(String... a) { aliases = List.of(a); return this; }

        Builder idle(Duration d) { idle = d; return this; }

        Builder pinned() { pinned = true; return this; }

        Builder maxConcurrency(int n) { maxConcurrency = n; return this; }

        Builder maxQueue(int n) { maxQueue = n; return this; }

        Builder queueTimeout(Duration d) { queueTimeout = d; return this; }

        Builder maxWait(Duration d) { maxWait = d; return this; }

        Builder minResidency(Duration d) { minResidency = d; return this; }

        /** Pinned to these GPUs. */
        Builder gpus(Integer... pinned) { gpus = new dev.hearth.config.Gpus(List.of(pinned), 0); return this; }

        /** Put to sleep at this level instead of stopped (rule 10). */
        Builder sleep(int level) { sleep = level; return this; }

        /** On any {@code count} GPUs. */
        Builder gpuCount(int count) { gpus = new dev.hearth.config.Gpus(List.of(), count); return this; }

        /** A video job worker ({@code engine: worker}) instead of a chat process. */
        Builder worker() { worker = true; return this; }

        ModelSpec build() {
            return new ModelSpec(name, worker ? Task.VIDEO : Task.CHAT,
                    worker ? dev.hearth.catalog.EngineKind.WORKER : dev.hearth.catalog.EngineKind.PROCESS, aliases, "fake", Map.of(), null, "/health", null,
                    null, memory, idle, pinned, maxConcurrency, maxQueue, queueTimeout, Duration.ofSeconds(5),
                    Duration.ofSeconds(1), Map.of(), null, Map.of(), null, null,
                    new dev.hearth.config.Sharing(maxWait, minResidency, gpus, sleep));
        }
    }
}
