package dev.hearth.engine.llamacpp;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.HearthException;

import java.util.UUID;

/** Builds the OpenAI response bodies and stream chunks for one request. */
final class OpenAiResponses {
    private final ObjectMapper json;
    private final boolean chat;
    private final String id;
    private final long created;
    private final String model;

    OpenAiResponses(ObjectMapper json, boolean chat, String model) {
        this.json = json;
        this.chat = chat;
        this.id = (chat ? "chatcmpl-" : "cmpl-") + UUID.randomUUID().toString().replace("-", "");
        this.created = System.currentTimeMillis() / 1000;
        this.model = model;
    }

    /** The whole answer of a non-streaming request. */
    ObjectNode complete(String text, Generator.Result r) {
        ObjectNode body = envelope(chat ? "chat.completion" : "text_completion");
        ObjectNode choice = body.putArray("choices").addObject().put("index", 0);
        if (chat) {
            choice.putObject("message").put("role", "assistant").put("content", text);
        } else {
            choice.put("text", text);
        }
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason(r.finish()));
        body.set("usage", usage(r));
        return body;
    }

    /** A stream chunk carrying text (chat: the first one also carries the role). */
    ObjectNode delta(String text, boolean first, boolean withUsageField) {
        return chunk(text, first, null, withUsageField);
    }

    /** The stream chunk that ends the choice. */
    ObjectNode finish(Generator.Finish finish, boolean withUsageField) {
        return chunk(null, false, finishReason(finish), withUsageField);
    }

    /** stream_options.include_usage: a last chunk with no choices and the usage. */
    ObjectNode usageChunk(Generator.Result r) {
        ObjectNode body = envelope(chat ? "chat.completion.chunk" : "text_completion");
        body.putArray("choices");
        body.set("usage", usage(r));
        return body;
    }

    static ObjectNode error(ObjectMapper json, HearthException e) {
        ObjectNode body = json.createObjectNode();
        ObjectNode error = body.putObject("error");
        error.put("message", e.getMessage()).put("type", e.type()).put("code", e.code()).put("param", e.param());
        return body;
    }

    private ObjectNode chunk(String text, boolean first, String finishReason, boolean withUsageField) {
        ObjectNode body = envelope(chat ? "chat.completion.chunk" : "text_completion");
        ArrayNode choices = body.putArray("choices");
        ObjectNode choice = choices.addObject().put("index", 0);
        if (chat) {
            ObjectNode delta = choice.putObject("delta");
            if (first) {
                delta.put("role", "assistant");
            }
            if (text != null) {
                delta.put("content", text);
            }
        } else {
            choice.put("text", text == null ? "" : text);
        }
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason);
        if (withUsageField) {
            body.putNull("usage"); // OpenAI sends usage: null on every chunk but the last when asked for usage
        }
        return body;
    }

    private ObjectNode envelope(String object) {
        ObjectNode body = json.createObjectNode();
        body.put("id", id).put("object", object).put("created", created).put("model", model);
        return body;
    }

    private ObjectNode usage(Generator.Result r) {
        return json.createObjectNode()
                .put("prompt_tokens", r.promptTokens())
                .put("completion_tokens", r.completionTokens())
                .put("total_tokens", r.promptTokens() + r.completionTokens());
    }

    private static String finishReason(Generator.Finish f) {
        return f == Generator.Finish.LENGTH ? "length" : "stop";
    }
}
