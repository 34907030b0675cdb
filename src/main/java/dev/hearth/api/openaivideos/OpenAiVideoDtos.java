package dev.hearth.api.openaivideos;

import com.fasterxml.jackson.databind.PropertyNamingStrategies.SnakeCaseStrategy;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.List;

/**
 * OpenAI's videos API bodies, field for field and in its order. Absent values are explicit nulls,
 * as OpenAI sends them; times are Unix seconds; {@code seconds} is a string.
 */
final class OpenAiVideoDtos {
    private OpenAiVideoDtos() {}

    /** The video object. */
    @JsonNaming(SnakeCaseStrategy.class)
    record Video(String id, String object, String model, String status, int progress, long createdAt,
                 Long completedAt, Long expiresAt, String seconds, String size, String prompt,
                 String remixedFromVideoId, Error error) {}

    /** A failed or cancelled video's {@code error}. */
    record Error(String code, String message) {}

    /** A page of GET /v1/videos. */
    @JsonNaming(SnakeCaseStrategy.class)
    record Page(String object, List<Video> data, String firstId, String lastId, boolean hasMore) {}

    /** DELETE /v1/videos/{id}. */
    record Deleted(String id, String object, boolean deleted) {}
}
