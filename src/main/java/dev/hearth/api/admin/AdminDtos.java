package dev.hearth.api.admin;

import com.fasterxml.jackson.databind.PropertyNamingStrategies.SnakeCaseStrategy;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.List;
import java.util.Map;

/** The admin routes' bodies (/health, /info, /api/models, /api/me, /v1/events' model events). */
final class AdminDtos {
    private AdminDtos() {}

    /** /health and /ready. */
    record Status(String status) {}

    /** GET /api/me: who the caller is, for the web UI. */
    record Me(String name, String role, boolean auth) {}

    /** POST /api/models/{m}/unload. */
    @JsonNaming(SnakeCaseStrategy.class)
    record Unloaded(String status, String model, long memoryFreedBytes) {}

    /** GET /api/models/{m}/logs. */
    record Logs(String model, List<String> lines) {}

    /** GET /info. */
    record Info(String name, String version, Memory memory, List<DeviceView> devices, List<ModelView> models,
                List<Gpu> gpus) {}

    /**
     * One device of the budget (scheduler rule 9): a GPU (its nvidia-smi index), or the one pool
     * ({@code gpu} false) of a machine without GPU placement.
     */
    @JsonNaming(SnakeCaseStrategy.class)
    record DeviceView(int index, String name, boolean gpu, long budgetBytes, long usedBytes, long freeBytes) {}

    @JsonNaming(SnakeCaseStrategy.class)
    record Memory(long budgetBytes, long usedBytes, long freeBytes) {}

    @JsonNaming(SnakeCaseStrategy.class)
    record Gpu(int index, String name, long memoryTotalBytes, long memoryUsedBytes) {}

    /**
     * One entry of GET /api/models, and GET /api/models/{m}; times are ISO-8601 instants.
     * {@code preset} names the server a process engine runs when a preset built its command
     * (vllm, llama-server, sglang; llama-server too for a .gguf that {@code server.gguf_engine}
     * put on it), else null. {@code memory_bytes} is what the model takes from the budget (rule 8):
     * its peak measured footprint once measured ({@code memory_measured_bytes}, from {@code gpu} or
     * {@code rss}), else its declared {@code memory:} ({@code memory_declared_bytes}, null when none);
     * {@code devices} the GPUs (or the one pool) it holds memory on (rule 9). For a job model,
     * {@code defaults} (its params when a job names none), {@code limits} (what its worker accepts, as
     * declared) and {@code prompt_enhancer} (the chat model rewriting prompts, or null) let a form
     * offer and bound its fields; for others they are empty and null. {@code max_concurrency} is the
     * limit of requests served at once (more wait in its queue) and {@code max_concurrency_source}
     * where it came from: {@code config}, or the engine's own, like {@code llama-server --parallel 4}.
     */
    @JsonNaming(SnakeCaseStrategy.class)
    record ModelView(String name, String task, String engine, String preset, String state, long memoryBytes,
                     Long memoryDeclaredBytes, Long memoryMeasuredBytes, String memoryMeasuredBy, List<Integer> devices,
                     boolean pinned, long idleUnloadSeconds, int inFlight, int queued, int maxConcurrency,
                     String maxConcurrencySource, String loadedAt,
                     String lastUsed, String lastError, Map<String, Object> defaults, Map<String, Object> limits,
                     String promptEnhancer) {}

    /** A model event on /v1/events. */
    @JsonNaming(SnakeCaseStrategy.class)
    record ModelEventView(String at, String model, String type, String reason, long memoryBytes, String detail,
                          @com.fasterxml.jackson.annotation.JsonInclude(
                                  com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) String node) {}
}
