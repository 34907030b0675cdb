package dev.hearth.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.Json;

import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * A job's parameters after dialect mapping, the model's defaults and {@link JobParams#validate}: parsed
 * once, when the job is made or its row is read, and never again. The canonical names are typed here
 * ({@code size}, {@code fps}, {@code seconds}, {@code steps}, {@code seed}); every other key a client
 * or a model's defaults gave is kept as it came, for the worker.
 *
 * @param json the parameters as a JSON object; immutable from outside (it is copied in and out)
 */
public record Params(ObjectNode json) {
    public static final Params EMPTY = new Params(Json.object());

    public Params {
        json = json == null ? Json.object() : json.deepCopy();
    }

    /** The stored text; a row that holds no JSON object reads as no parameters. */
    public static Params parse(String text) {
        if (text == null || text.isBlank()) return EMPTY;
        try {
            return Json.MAPPER.readTree(text) instanceof ObjectNode o ? new Params(o) : EMPTY;
        } catch (JsonProcessingException e) {
            return EMPTY;
        }
    }

    /** A copy the caller may change (the worker's request adds the prompt to it). */
    @Override
    public ObjectNode json() { return json.deepCopy(); }

    /** The JSON object text the store keeps. */
    public String text() { return json.toString(); }

    public Optional<String> size() {
        JsonNode v = json.get("size");
        return v != null && v.isTextual() ? Optional.of(v.asText()) : Optional.empty();
    }

    public OptionalInt fps() { return json.path("fps").isNumber() ? OptionalInt.of(json.get("fps").asInt()) : OptionalInt.empty(); }

    public OptionalDouble seconds() {
        return json.path("seconds").isNumber() ? OptionalDouble.of(json.get("seconds").asDouble()) : OptionalDouble.empty();
    }

    public OptionalInt steps() {
        return json.path("steps").isNumber() ? OptionalInt.of(json.get("steps").asInt()) : OptionalInt.empty();
    }

    public OptionalLong seed() {
        return json.path("seed").isNumber() ? OptionalLong.of(json.get("seed").asLong()) : OptionalLong.empty();
    }

    /** Units of work for the ETA ({@link JobParams#units}). */
    public double units() { return JobParams.units(json); }
}
