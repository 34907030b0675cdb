package dev.hearth.api.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.Json;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * OpenAI's Response object and its output items (a {@code message} with {@code output_text}, a
 * {@code function_call}), built from what a chat engine answered — whole, or piece by piece as its
 * stream arrives ({@link ResponsesStream}).
 *
 * @param echo the request's settings that a Response repeats ({@link ResponsesTranslator})
 */
record ResponsesOutput(String id, long createdAt, String model, ObjectNode echo) {
    private static final SecureRandom RANDOM = new SecureRandom();

    static ResponsesOutput start(String model, ObjectNode echo) {
        return new ResponsesOutput(newId("resp"), System.currentTimeMillis() / 1000, model, echo);
    }

    /** prefix_ and 48 hex digits, as OpenAI's ids look. */
    static String newId(String prefix) {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return prefix + "_" + HexFormat.of().formatHex(bytes);
    }

    /**
     * @param status     in_progress, completed, incomplete or failed
     * @param finish     the chat finish_reason, for incomplete_details; null when none
     * @param chatUsage  the engine's usage (prompt_tokens, completion_tokens), or null
     * @param error      failed's error {code, message}, else null
     */
    ObjectNode response(String status, ArrayNode output, String finish, JsonNode chatUsage, ObjectNode error) {
        ObjectNode r = Json.object();
        r.put("id", id).put("object", "response").put("created_at", createdAt).put("status", status);
        if (!status.equals("in_progress")) r.put("completed_at", System.currentTimeMillis() / 1000);
        r.put("model", model);
        r.set("error", error);
        String reason = "length".equals(finish) ? "max_output_tokens"
                : "content_filter".equals(finish) ? "content_filter" : null;
        r.set("incomplete_details", reason == null ? null : Json.object().put("reason", reason));
        r.set("output", output);
        r.set("usage", chatUsage == null || !chatUsage.isObject() ? null : usage(chatUsage));
        r.setAll(echo);
        return r;
    }

    /** completed, or incomplete when the engine stopped at the token limit or a filter. */
    static String status(String finish) {
        return "length".equals(finish) || "content_filter".equals(finish) ? "incomplete" : "completed";
    }

    private static ObjectNode usage(JsonNode chat) {
        long in = chat.path("prompt_tokens").asLong();
        long out = chat.path("completion_tokens").asLong();
        ObjectNode u = Json.object().put("input_tokens", in);
        u.putObject("input_tokens_details").put("cached_tokens",
                chat.path("prompt_tokens_details").path("cached_tokens").asLong());
        u.put("output_tokens", out);
        u.putObject("output_tokens_details").put("reasoning_tokens",
                chat.path("completion_tokens_details").path("reasoning_tokens").asLong());
        u.put("total_tokens", chat.path("total_tokens").asLong(in + out));
        return u;
    }

    static ObjectNode message(String id, String status, String text) {
        ObjectNode m = Json.object().put("type", "message").put("id", id).put("status", status).put("role", "assistant");
        ArrayNode content = m.putArray("content");
        if (text != null) content.add(textPart(text));
        return m;
    }

    static ObjectNode textPart(String text) {
        ObjectNode part = Json.object().put("type", "output_text").put("text", text);
        part.putArray("annotations");
        part.putArray("logprobs");
        return part;
    }

    static ObjectNode functionCall(String id, String callId, String name, String arguments, String status) {
        return Json.object().put("type", "function_call").put("id", id).put("call_id", callId).put("name", name)
                .put("arguments", arguments).put("status", status);
    }

    /** A whole chat completion as a Response. */
    ObjectNode fromChat(JsonNode completion) {
        JsonNode choice = completion.path("choices").path(0);
        JsonNode message = choice.path("message");
        String finish = choice.path("finish_reason").isTextual() ? choice.get("finish_reason").asText() : null;
        ArrayNode output = Json.MAPPER.createArrayNode();
        String text = message.path("content").isTextual() ? message.get("content").asText() : "";
        JsonNode calls = message.path("tool_calls");
        if (!text.isEmpty() || !calls.isArray() || calls.isEmpty()) {
            output.add(message(newId("msg"), "completed", text));
        }
        for (JsonNode call : calls) {
            JsonNode fn = call.path("function");
            output.add(functionCall(newId("fc"), call.path("id").asText(newId("call")), fn.path("name").asText(),
                    fn.path("arguments").asText(""), "completed"));
        }
        return response(status(finish), output, finish, completion.get("usage"), null);
    }

    /** The response's output as the assistant's chat message, for a later previous_response_id. */
    static ObjectNode assistant(JsonNode output) {
        ObjectNode m = Json.object().put("role", "assistant");
        StringBuilder text = new StringBuilder();
        ArrayNode calls = Json.MAPPER.createArrayNode();
        for (JsonNode item : output) {
            switch (item.path("type").asText()) {
                case "message" -> item.path("content").forEach(p -> text.append(p.path("text").asText()));
                case "function_call" -> {
                    ObjectNode call = calls.addObject().put("id", item.path("call_id").asText()).put("type", "function");
                    call.putObject("function").put("name", item.path("name").asText())
                            .put("arguments", item.path("arguments").asText());
                }
                default -> { }
            }
        }
        if (text.isEmpty() && !calls.isEmpty()) {
            m.putNull("content");
        } else {
            m.put("content", text.toString());
        }
        if (!calls.isEmpty()) m.set("tool_calls", calls);
        return m;
    }
}
