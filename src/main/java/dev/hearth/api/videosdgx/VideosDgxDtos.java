package dev.hearth.api.videosdgx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies.SnakeCaseStrategy;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.List;
import java.util.Map;

/**
 * VideosDGX's response bodies (its README's examples), field for field and in its order. Absent
 * values are explicit nulls. Numbers copied from a job's params stay {@link JsonNode}s, so a
 * duration of {@code 5} is not shown as {@code 5.0}.
 */
final class VideosDgxDtos {
    private VideosDgxDtos() {}

    /** POST /generate. */
    @JsonNaming(SnakeCaseStrategy.class)
    record Created(String jobId, String status, Integer queuePosition, Long estimatedTimeSeconds,
                   boolean modelLoaded) {}

    /** GET /jobs/{id}. */
    @JsonNaming(SnakeCaseStrategy.class)
    record JobStatus(String jobId, String modelName, String status, String prompt, JsonNode duration,
                     String createdAt, String startedAt, String completedAt, String outputPath, String error,
                     int progress, JsonNode resolution, JsonNode fps, JsonNode seed, Integer queuePosition,
                     String downloadUrl) {}

    /** GET /. */
    @JsonNaming(SnakeCaseStrategy.class)
    record Root(String name, String modelName, boolean modelLoaded, String baseUrl, List<String> endpoints) {}

    /** GET /health. */
    @JsonNaming(SnakeCaseStrategy.class)
    record Health(String status, String modelName, boolean modelLoaded, String timestamp) {}

    /** GET /ready. */
    @JsonNaming(SnakeCaseStrategy.class)
    record Ready(boolean ready, String modelName, boolean modelLoaded, String state) {}

    /** GET /info. */
    @JsonNaming(SnakeCaseStrategy.class)
    record Info(String modelName, boolean modelLoaded, String state, String engine, double memoryGb,
                Map<String, Object> defaults, String loadedAt, String lastError, QueueCounts queue,
                Memory memory) {}

    @JsonNaming(SnakeCaseStrategy.class)
    record QueueCounts(int queued, int processing, int maxQueue) {}

    @JsonNaming(SnakeCaseStrategy.class)
    record Memory(double budgetGb, double usedGb, double freeGb) {}

    /** POST /unload. */
    @JsonNaming(SnakeCaseStrategy.class)
    record Unloaded(String status, String modelName, double memoryFreedGb, MemoryAfter memoryAfter) {}

    @JsonNaming(SnakeCaseStrategy.class)
    record MemoryAfter(double allocatedGb, double freeGb) {}

    /** GET /queue/status. */
    @JsonNaming(SnakeCaseStrategy.class)
    record Queue(String modelName, int queueSize, boolean processing, String currentJob, int maxQueue,
                 List<String> queuedJobs, List<String> processingJobs) {}

    /** GET /metrics. */
    @JsonNaming(SnakeCaseStrategy.class)
    record Metrics(String modelName, boolean modelLoaded, JobCounts jobs, int completedSampled,
                   Double averageGenerationTimeSeconds, Double lastGenerationTimeSeconds) {}

    /** Jobs by state, in VideosDGX's names where it had the state (processing, completed). */
    @JsonNaming(SnakeCaseStrategy.class)
    record JobCounts(int total, int queued, int processing, int cancelling, int completed, int failed,
                     int cancelled) {}
}
