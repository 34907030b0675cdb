package dev.hearth.engine.llamacpp;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.engine.llamacpp.GenerationRequest.ChatMessage;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Parses and validates OpenAI chat/completion request bodies. Every problem becomes an
 * {@link InvalidRequestException} naming the parameter; unknown fields are ignored because SDKs
 * send many we do not use.
 */
final class OpenAiRequests {
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool");
    private static final int MAX_STOPS = 16;

    private OpenAiRequests() {}

    static GenerationRequest chat(ObjectMapper json, byte[] body) {
        JsonNode root = object(json, body);
        JsonNode messages = root.get("messages");
        if (messages == null || messages.isNull()) {
            throw missing("messages");
        }
        if (!messages.isArray() || messages.isEmpty()) {
            throw new InvalidRequestException("invalid_type", "messages", "'messages' must be a non-empty array");
        }
        List<ChatMessage> parsed = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            parsed.add(message(messages.get(i), "messages[" + i + "]"));
        }
        Integer max = optionalInt(root, "max_completion_tokens", 1);
        return common(root, true, parsed, null, max != null ? max : optionalInt(root, "max_tokens", 1));
    }

    static GenerationRequest completion(ObjectMapper json, byte[] body) {
        JsonNode root = object(json, body);
        JsonNode prompt = root.get("prompt");
        if (prompt == null || prompt.isNull()) {
            throw missing("prompt");
        }
        String text;
        if (prompt.isTextual()) {
            text = prompt.asText();
        } else if (prompt.isArray() && prompt.size() == 1 && prompt.get(0).isTextual()) {
            text = prompt.get(0).asText();
        } else {
            throw new InvalidRequestException("invalid_type", "prompt",
                    "'prompt' must be a string (or an array of exactly one string; token arrays are not supported)");
        }
        return common(root, false, List.of(), text, optionalInt(root, "max_tokens", 1));
    }

    private static GenerationRequest common(JsonNode root, boolean chat, List<ChatMessage> messages, String prompt,
                                            Integer maxTokens) {
        Integer n = optionalInt(root, "n", 1);
        if (n != null && n != 1) {
            throw new InvalidRequestException("unsupported_value", "n", "only n=1 is supported");
        }
        Double temperature = optionalNumber(root, "temperature", 0, 2);
        Double topP = optionalNumber(root, "top_p", 0, 1);
        Long seed = null;
        JsonNode s = root.get("seed");
        if (s != null && !s.isNull()) {
            if (!s.isIntegralNumber() || !s.canConvertToLong()) {
                throw new InvalidRequestException("invalid_type", "seed", "'seed' must be an integer");
            }
            seed = s.asLong();
        }
        boolean stream = optionalBoolean(root, "stream");
        boolean includeUsage = false;
        JsonNode options = root.get("stream_options");
        if (options != null && !options.isNull()) {
            if (!options.isObject()) {
                throw new InvalidRequestException("invalid_type", "stream_options", "'stream_options' must be an object");
            }
            includeUsage = optionalBoolean(options, "include_usage");
        }
        return new GenerationRequest(chat, messages, prompt, maxTokens, temperature, topP, seed, stops(root),
                stream, includeUsage, optionalBoolean(root, "ignore_eos"));
    }

    private static JsonNode object(ObjectMapper json, byte[] body) {
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (JacksonException e) {
            throw new InvalidRequestException("invalid_json", null, "The request body is not valid JSON: "
                    + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new InvalidRequestException("invalid_json", null, "The request body could not be read");
        }
        if (root == null || !root.isObject()) {
            throw new InvalidRequestException("invalid_json", null, "The request body must be a JSON object");
        }
        return root;
    }

    private static ChatMessage message(JsonNode m, String where) {
        if (!m.isObject()) {
            throw new InvalidRequestException("invalid_type", where, "'" + where + "' must be an object");
        }
        JsonNode role = m.get("role");
        if (role == null || !role.isTextual() || !ROLES.contains(role.asText())) {
            throw new InvalidRequestException("invalid_value", where + ".role",
                    "'" + where + ".role' must be one of " + ROLES);
        }
        return new ChatMessage(role.asText(), content(m.get("content"), where + ".content"));
    }

    /** Content is a string, null (an assistant turn that only called tools), or an array of text parts. */
    private static String content(JsonNode c, String where) {
        if (c == null || c.isNull()) {
            return "";
        }
        if (c.isTextual()) {
            return c.asText();
        }
        if (c.isArray()) {
            StringBuilder text = new StringBuilder();
            for (JsonNode part : c) {
                JsonNode t = part.get("text");
                if (!part.isObject() || !"text".equals(part.path("type").asText()) || t == null || !t.isTextual()) {
                    throw new InvalidRequestException("unsupported_value", where,
                            "only text content parts are supported in '" + where + "'");
                }
                text.append(t.asText());
            }
            return text.toString();
        }
        throw new InvalidRequestException("invalid_type", where, "'" + where + "' must be a string or an array");
    }

    private static List<String> stops(JsonNode root) {
        JsonNode stop = root.get("stop");
        if (stop == null || stop.isNull()) {
            return List.of();
        }
        if (stop.isTextual()) {
            return List.of(stop.asText());
        }
        if (stop.isArray() && stop.size() <= MAX_STOPS) {
            List<String> out = new ArrayList<>();
            for (JsonNode s : stop) {
                if (!s.isTextual()) {
                    throw new InvalidRequestException("invalid_type", "stop", "'stop' entries must be strings");
                }
                out.add(s.asText());
            }
            return List.copyOf(out);
        }
        throw new InvalidRequestException("invalid_type", "stop",
                "'stop' must be a string or an array of at most " + MAX_STOPS + " strings");
    }

    private static Integer optionalInt(JsonNode root, String field, int min) {
        JsonNode v = root.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new InvalidRequestException("invalid_type", field, "'" + field + "' must be an integer");
        }
        if (v.asInt() < min) {
            throw new InvalidRequestException("invalid_value", field, "'" + field + "' must be at least " + min);
        }
        return v.asInt();
    }

    private static Double optionalNumber(JsonNode root, String field, double min, double max) {
        JsonNode v = root.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber()) {
            throw new InvalidRequestException("invalid_type", field, "'" + field + "' must be a number");
        }
        double d = v.asDouble();
        if (d < min || d > max) {
            throw new InvalidRequestException("invalid_value", field,
                    "'" + field + "' must be between " + min + " and " + max);
        }
        return d;
    }

    private static boolean optionalBoolean(JsonNode root, String field) {
        JsonNode v = root.get(field);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw new InvalidRequestException("invalid_type", field, "'" + field + "' must be a boolean");
        }
        return v.asBoolean();
    }

    private static InvalidRequestException missing(String field) {
        return new InvalidRequestException("missing_field", field, "'" + field + "' is required");
    }
}
