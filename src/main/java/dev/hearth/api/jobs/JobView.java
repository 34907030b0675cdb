package dev.hearth.api.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies.SnakeCaseStrategy;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.List;

/**
 * A job as the native API shows it. Absent values are explicit nulls, except {@code owner}: it is
 * left out for a user key and shown — null when no key made the job — to admins, hence a
 * {@link JsonNode} (Java null: left out; {@code NullNode}: null).
 */
@JsonNaming(SnakeCaseStrategy.class)
public record JobView(String id, String object, String model, String task, String dialect,
                      @JsonInclude(JsonInclude.Include.NON_NULL) JsonNode owner, String state, double progress,
                      String stage, int step, int steps, Integer queuePosition, Long etaSeconds, int priority,
                      int attempts, int maxAttempts, String prompt, String originalPrompt, JsonNode params,
                      List<String> inputs, List<Output> outputs, Error error, String createdAt, String startedAt,
                      String finishedAt, String updatedAt,
                      @JsonInclude(JsonInclude.Include.NON_NULL) String node) {

    /** One file the job made, with the URL that downloads it. */
    @JsonNaming(SnakeCaseStrategy.class)
    public record Output(String name, String url, String contentType, long size, String sha256) {}

    /** Why the job failed: the worker's code and a message fit for the client. */
    public record Error(String code, String message) {}

    /** A page of GET /v1/jobs. */
    @JsonNaming(SnakeCaseStrategy.class)
    public record Page(String object, List<JobView> data, boolean hasMore) {}
}
