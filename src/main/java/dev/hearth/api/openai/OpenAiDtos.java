package dev.hearth.api.openai;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * The bodies Hearth itself answers in OpenAI's shapes: the model list and in-JVM embeddings.
 * Chat and completions are not here: they pass through from the engine byte for byte.
 */
final class OpenAiDtos {
    private OpenAiDtos() {}

    /** GET /v1/models. */
    record ModelList(String object, List<Model> data) {
        ModelList(List<Model> data) { this("list", data); }
    }

    /**
     * One model; {@code task}, {@code engine}, {@code state} and {@code aliases} are Hearth's
     * additions (clients ignore them), {@code description} only for kinds that have one.
     */
    record Model(String id, String object, long created, @JsonProperty("owned_by") String ownedBy, String task,
                 String engine, @JsonInclude(JsonInclude.Include.NON_NULL) String description, String state,
                 List<String> aliases) {}

    /** POST /v1/embeddings, answered in this JVM. */
    record Embeddings(String object, List<Embedding> data, String model, Usage usage) {}

    /** {@code embedding} is a float array, or a base64 string of little-endian float32s. */
    record Embedding(String object, int index, Object embedding) {}

    record Usage(@JsonProperty("prompt_tokens") int promptTokens, @JsonProperty("total_tokens") int totalTokens) {}
}
