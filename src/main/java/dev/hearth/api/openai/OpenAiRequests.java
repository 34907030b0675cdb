package dev.hearth.api.openai;

import dev.hearth.BadRequestException;
import dev.hearth.Json;
import dev.hearth.api.Fields;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.catalog.Task;

import java.io.IOException;

/**
 * Checks the shape of OpenAI request bodies before a model is loaded for them, so that a malformed
 * request costs nothing and is answered 400 naming the field — engines differ in how they report
 * such errors, and some answer 500. Fields the gateway does not know are passed through untouched.
 */
final class OpenAiRequests {
    private OpenAiRequests() {}

    /** The model named in the body; the path's model (DGX Spark style /v1/{model}/…) wins over it. */
    static String model(ObjectNode body, String pathModel) {
        if (pathModel != null) {
            return pathModel;
        }
        JsonNode model = body.get("model");
        if (model == null || model.isNull()) {
            throw new BadRequestException("Missing required parameter 'model'.", "model");
        }
        if (!model.isTextual() || model.asText().isBlank()) {
            throw new BadRequestException("'model' must be a non-empty string.", "model");
        }
        return model.asText();
    }

    /**
     * The top-level "model" of a body without building its tree (large message arrays are skipped
     * token by token), so a refusal under load costs little; null when absent or not plain JSON text —
     * the full parse then answers with the right 400.
     */
    static String peekModel(byte[] body) {
        try (JsonParser p = Json.MAPPER.getFactory().createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                boolean model = "model".equals(p.currentName());
                JsonToken value = p.nextToken();
                if (model) {
                    return value == JsonToken.VALUE_STRING ? p.getText() : null;
                }
                p.skipChildren();
            }
            return null;
        } catch (IOException | RuntimeException malformed) {
            return null;
        }
    }

    /**
     * The model's {@code defaults:} for what the request leaves out (a {@code max_tokens} for clients
     * that never send one, as some coding agents do not). {@code max_tokens} counts as given when the
     * request has {@code max_completion_tokens} (or, on /v1/responses, {@code max_output_tokens}).
     */
    /** @return whether it added any: the body then differs from the bytes the client sent */
    static boolean applyDefaults(ObjectNode body, java.util.Map<String, Object> defaults) {
        boolean added = false;
        for (var d : defaults.entrySet()) {
            String key = d.getKey();
            if (body.has(key)) continue;
            if (key.equals("max_tokens") && (body.has("max_completion_tokens") || body.has("max_output_tokens"))) continue;
            body.set(key, dev.hearth.Json.MAPPER.valueToTree(d.getValue()));
            added = true;
        }
        return added;
    }

    /**
     * Names the model as its engine knows it. @return whether the body changed (it named the model
     * otherwise: an alias, the Hearth name of a model served under another, or only in the path)
     */
    static boolean nameUpstream(ObjectNode body, String upstreamName) {
        if (body.get("model") instanceof com.fasterxml.jackson.databind.node.TextNode t
                && t.textValue().equals(upstreamName)) {
            return false;
        }
        body.put("model", upstreamName);
        return true;
    }

    static boolean stream(ObjectNode body) {
        JsonNode stream = body.get("stream");
        if (stream == null || stream.isNull()) {
            return false;
        }
        if (!stream.isBoolean()) {
            throw new BadRequestException("'stream' must be true or false.", "stream");
        }
        return stream.booleanValue();
    }

    static void validate(Task task, ObjectNode body) {
        switch (task) {
            case CHAT -> chat(body);
            case COMPLETION -> completion(body);
            case EMBEDDINGS -> embeddings(body);
            default -> throw new IllegalArgumentException("no OpenAI route for " + task);
        }
        if (task != Task.EMBEDDINGS) {
            sampling(body);
        }
    }

    private static void chat(ObjectNode body) {
        JsonNode messages = body.get("messages");
        if (messages == null || messages.isNull()) {
            throw new BadRequestException("Missing required parameter 'messages'.", "messages");
        }
        if (!messages.isArray() || messages.isEmpty()) {
            throw new BadRequestException("'messages' must be a non-empty array of messages.", "messages");
        }
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            String at = "messages[" + i + "]";
            if (!m.isObject()) {
                throw new BadRequestException("'" + at + "' must be an object with 'role' and 'content'.", at);
            }
            JsonNode role = m.get("role");
            if (role == null || !role.isTextual()) {
                throw new BadRequestException("'" + at + ".role' must be a string such as \"user\".", at + ".role");
            }
            JsonNode content = m.get("content");
            boolean ok = content == null || content.isNull() || content.isTextual() || content.isArray();
            if (!ok) {
                throw new BadRequestException("'" + at + ".content' must be a string or an array of content parts.",
                        at + ".content");
            }
        }
    }

    private static void completion(ObjectNode body) {
        JsonNode prompt = body.get("prompt");
        if (prompt == null || prompt.isNull()) {
            throw new BadRequestException("Missing required parameter 'prompt'.", "prompt");
        }
        if (!prompt.isTextual() && !prompt.isArray()) {
            throw new BadRequestException("'prompt' must be a string or an array.", "prompt");
        }
    }

    private static void embeddings(ObjectNode body) {
        JsonNode input = body.get("input");
        if (input == null || input.isNull()) {
            throw new BadRequestException("Missing required parameter 'input'.", "input");
        }
        if (!input.isTextual() && !input.isArray()) {
            throw new BadRequestException("'input' must be a string or an array of strings.", "input");
        }
    }

    private static void sampling(ObjectNode body) {
        positiveInt(body, "max_tokens");
        positiveInt(body, "max_completion_tokens");
        number(body, "temperature", 0, 2);
        number(body, "top_p", 0, 1);
        JsonNode seed = body.get("seed");
        if (seed != null && !seed.isNull() && !seed.isIntegralNumber()) {
            throw new BadRequestException("'seed' must be an integer.", "seed");
        }
        JsonNode stop = body.get("stop");
        if (stop != null && !stop.isNull() && !stop.isTextual()) {
            boolean strings = stop.isArray();
            for (JsonNode s : stop) {
                strings &= s.isTextual();
            }
            if (!strings) {
                throw new BadRequestException("'stop' must be a string or an array of strings.", "stop");
            }
        }
    }

    private static void positiveInt(ObjectNode body, String field) {
        JsonNode v = body.get(field);
        if (v != null && !v.isNull() && (!v.isIntegralNumber() || v.asLong() < 1)) {
            throw new BadRequestException("'" + field + "' must be a positive integer.", field);
        }
    }

    private static void number(ObjectNode body, String field, double min, double max) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return;
        }
        if (!v.isNumber() || v.asDouble() < min || v.asDouble() > max) {
            throw new BadRequestException("'" + field + "' must be a number from " + fmt(min) + " to " + fmt(max) + ".",
                    field);
        }
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
