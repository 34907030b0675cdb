package dev.hearth.api.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.BadRequestException;
import dev.hearth.Json;
import dev.hearth.catalog.Task;

import java.util.Set;

/**
 * A Responses API request ({@code POST /v1/responses}) as the chat completion an engine without that
 * API answers: {@code instructions} become the system message, {@code input} (a string or items) the
 * messages after the stored turns of {@code previous_response_id}, function tools chat tools. Every
 * field it reads is checked here, before a model loads, and a bad one is a 400 naming it.
 */
final class ResponsesTranslator {
    private ResponsesTranslator() {}

    private static final Set<String> ROLES = Set.of("user", "assistant", "system", "developer");
    private static final Set<String> CHOICES = Set.of("auto", "none", "required");

    /**
     * @param chat         the chat completion request for the engine
     * @param conversation the messages of this turn after the earlier ones, without the instructions: what a
     *                     later previous_response_id continues (this turn's output is added once known)
     * @param echo         the request's settings as a Response object repeats them
     */
    record Translated(ObjectNode chat, ArrayNode conversation, ObjectNode echo, boolean stream, boolean store) {}

    /**
     * @param upstreamModel the name the engine serves the model under
     * @param earlier       the stored conversation of previous_response_id
     */
    static Translated toChat(ObjectNode req, String upstreamModel, java.util.function.Function<String,
            java.util.Optional<ArrayNode>> earlier) {
        boolean stream = OpenAiRequests.stream(req);
        ArrayNode conversation = previous(req, earlier);
        input(req.get("input"), conversation);

        ObjectNode chat = Json.object();
        chat.put("model", upstreamModel);
        ArrayNode messages = chat.putArray("messages");
        JsonNode instructions = req.get("instructions");
        if (present(instructions)) {
            if (!instructions.isTextual()) {
                throw new BadRequestException("'instructions' must be a string.", "instructions");
            }
            messages.addObject().put("role", "system").put("content", instructions.asText());
        }
        messages.addAll(conversation);
        ArrayNode tools = tools(req.get("tools"));
        if (!tools.isEmpty()) chat.set("tools", tools);
        JsonNode choice = toolChoice(req.get("tool_choice"));
        if (choice != null) chat.set("tool_choice", choice);
        JsonNode parallel = req.get("parallel_tool_calls");
        if (present(parallel)) {
            if (!parallel.isBoolean()) {
                throw new BadRequestException("'parallel_tool_calls' must be true or false.", "parallel_tool_calls");
            }
            chat.set("parallel_tool_calls", parallel);
        }
        JsonNode max = req.get("max_output_tokens");
        if (present(max)) {
            if (!max.isIntegralNumber() || max.asLong() < 1) {
                throw new BadRequestException("'max_output_tokens' must be a positive integer.", "max_output_tokens");
            }
            chat.set("max_tokens", max);
        }
        for (String same : new String[] {"temperature", "top_p", "seed", "user"}) {
            if (present(req.get(same))) chat.set(same, req.get(same));
        }
        format(req.get("text"), chat);
        if (stream) {
            chat.put("stream", true);
            chat.putObject("stream_options").put("include_usage", true);
        }
        OpenAiRequests.validate(Task.CHAT, chat); // temperature and top_p, named as the client wrote them
        JsonNode store = req.get("store");
        if (present(store) && !store.isBoolean()) {
            throw new BadRequestException("'store' must be true or false.", "store");
        }
        return new Translated(chat, conversation, echo(req), stream, store == null || !store.isBoolean()
                || store.booleanValue());
    }

    private static ArrayNode previous(ObjectNode req, java.util.function.Function<String,
            java.util.Optional<ArrayNode>> earlier) {
        JsonNode id = req.get("previous_response_id");
        if (!present(id)) return Json.MAPPER.createArrayNode();
        if (!id.isTextual()) {
            throw new BadRequestException("'previous_response_id' must be a string.", "previous_response_id");
        }
        return earlier.apply(id.asText()).orElseThrow(() -> new BadRequestException("Previous response '"
                + id.asText() + "' is not known: it never existed, was created with store: false, or is older than"
                + " Hearth keeps responses (" + ResponseStore.TTL.toMinutes() + " minutes, the last "
                + ResponseStore.CAPACITY + ").", "previous_response_id"));
    }

    /** A string is one user message; items are messages, function calls and their outputs. */
    private static void input(JsonNode input, ArrayNode messages) {
        if (!present(input)) {
            throw new BadRequestException("Missing required parameter 'input'.", "input");
        }
        if (input.isTextual()) {
            messages.addObject().put("role", "user").put("content", input.asText());
            return;
        }
        if (!input.isArray() || input.isEmpty()) {
            throw new BadRequestException("'input' must be a string or a non-empty array of input items.", "input");
        }
        int before = messages.size();
        for (int i = 0; i < input.size(); i++) {
            item(input.get(i), "input[" + i + "]", messages);
        }
        if (messages.size() == before) {
            throw new BadRequestException("'input' must hold at least one message, function_call or"
                    + " function_call_output item.", "input");
        }
    }

    private static void item(JsonNode item, String at, ArrayNode messages) {
        if (!item.isObject()) {
            throw new BadRequestException("'" + at + "' must be an object: a message, a function_call or a"
                    + " function_call_output.", at);
        }
        String type = item.path("type").asText(item.has("role") ? "message" : "");
        switch (type) {
            case "message" -> message(item, at, messages);
            case "function_call" -> {
                ObjectNode call = Json.object();
                call.put("id", text(item, "call_id", at));
                call.put("type", "function");
                call.putObject("function").put("name", text(item, "name", at)).put("arguments",
                        text(item, "arguments", at));
                JsonNode last = messages.isEmpty() ? null : messages.get(messages.size() - 1);
                ObjectNode assistant = last != null && "assistant".equals(last.path("role").asText())
                        ? (ObjectNode) last : messages.addObject().put("role", "assistant").putNull("content");
                (assistant.has("tool_calls") ? (ArrayNode) assistant.get("tool_calls")
                        : assistant.putArray("tool_calls")).add(call);
            }
            case "function_call_output" -> {
                JsonNode output = item.get("output");
                String content = output != null && output.isTextual() ? output.asText()
                        : output != null && output.isArray() ? partsText(output, at + ".output") : null;
                if (content == null) {
                    throw new BadRequestException("'" + at + ".output' must be a string.", at + ".output");
                }
                messages.addObject().put("role", "tool").put("tool_call_id", text(item, "call_id", at))
                        .put("content", content);
            }
            case "reasoning" -> { } // a model's reasoning is not shown to it again, as in chat
            default -> throw new BadRequestException("'" + at + ".type' must be message, function_call,"
                    + " function_call_output or reasoning" + (type.isEmpty() ? "." : ", not '" + type + "'.")
                    + " Hearth translates the Responses API to chat completions for this model.", at + ".type");
        }
    }

    private static void message(JsonNode item, String at, ArrayNode messages) {
        String role = item.path("role").asText("");
        if (!ROLES.contains(role)) {
            throw new BadRequestException("'" + at + ".role' must be user, assistant, system or developer.",
                    at + ".role");
        }
        JsonNode content = item.get("content");
        ObjectNode m = messages.addObject().put("role", role.equals("developer") ? "system" : role);
        if (content != null && content.isTextual()) {
            m.put("content", content.asText());
        } else if (content != null && content.isArray()) {
            m.set("content", parts(content, at + ".content"));
        } else {
            throw new BadRequestException("'" + at + ".content' must be a string or an array of content parts.",
                    at + ".content");
        }
    }

    /** Text parts joined into one string (every engine reads that); with an image, chat's part array. */
    private static JsonNode parts(JsonNode parts, String at) {
        boolean images = false;
        for (JsonNode p : parts) images |= "input_image".equals(p.path("type").asText());
        if (!images) return Json.MAPPER.getNodeFactory().textNode(partsText(parts, at));
        ArrayNode chat = Json.MAPPER.createArrayNode();
        for (int i = 0; i < parts.size(); i++) {
            JsonNode p = parts.get(i);
            if ("input_image".equals(p.path("type").asText())) {
                JsonNode url = p.get("image_url");
                if (url == null || !url.isTextual()) {
                    throw new BadRequestException("'" + at + "[" + i + "].image_url' must be a URL or a data URI"
                            + " (Hearth has no file store for file_id).", at + "[" + i + "].image_url");
                }
                chat.addObject().put("type", "image_url").putObject("image_url").put("url", url.asText());
            } else {
                chat.addObject().put("type", "text").put("text", partText(p, at + "[" + i + "]"));
            }
        }
        return chat;
    }

    private static String partsText(JsonNode parts, String at) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < parts.size(); i++) text.append(partText(parts.get(i), at + "[" + i + "]"));
        return text.toString();
    }

    private static String partText(JsonNode part, String at) {
        String type = part.path("type").asText("");
        JsonNode text = part.get(type.equals("refusal") ? "refusal" : "text");
        if (!Set.of("input_text", "output_text", "refusal").contains(type) || text == null || !text.isTextual()) {
            throw new BadRequestException("'" + at + "' must be a content part of type input_text, output_text,"
                    + " refusal or input_image, with its text.", at);
        }
        return text.asText();
    }

    /**
     * Function tools as chat's tools. Other kinds (web_search, file_search, custom, local_shell…) need
     * OpenAI's servers or a grammar no chat engine takes; they are left out, as a model without them
     * would not call them — so an agent that offers them (Codex CLI) still works through its function
     * tools.
     */
    private static ArrayNode tools(JsonNode tools) {
        ArrayNode chat = Json.MAPPER.createArrayNode();
        if (!present(tools)) return chat;
        if (!tools.isArray()) {
            throw new BadRequestException("'tools' must be an array of tools.", "tools");
        }
        for (int i = 0; i < tools.size(); i++) {
            JsonNode t = tools.get(i);
            String at = "tools[" + i + "]";
            if (!t.isObject() || !t.path("type").isTextual()) {
                throw new BadRequestException("'" + at + "' must be a tool object with a 'type', such as"
                        + " {\"type\": \"function\", \"name\": …}.", at);
            }
            if (!"function".equals(t.get("type").asText())) continue;
            ObjectNode function = chat.addObject().put("type", "function").putObject("function");
            function.put("name", text(t, "name", at));
            for (String same : new String[] {"description", "parameters", "strict"}) {
                if (present(t.get(same))) function.set(same, t.get(same));
            }
        }
        return chat;
    }

    private static JsonNode toolChoice(JsonNode choice) {
        if (!present(choice)) return null;
        if (choice.isTextual() && CHOICES.contains(choice.asText())) return choice;
        if (choice.isObject() && "function".equals(choice.path("type").asText()) && choice.path("name").isTextual()) {
            ObjectNode chat = Json.object().put("type", "function");
            chat.putObject("function").put("name", choice.get("name").asText());
            return chat;
        }
        throw new BadRequestException("'tool_choice' must be auto, none, required or {\"type\": \"function\","
                + " \"name\": …}.", "tool_choice");
    }

    /** text.format: json_schema and json_object as chat's response_format; text is the default. */
    private static void format(JsonNode text, ObjectNode chat) {
        if (!present(text)) return;
        JsonNode format = text.path("format");
        String type = format.path("type").asText("text");
        switch (type) {
            case "text" -> { }
            case "json_object" -> chat.putObject("response_format").put("type", "json_object");
            case "json_schema" -> {
                ObjectNode schema = chat.putObject("response_format").put("type", "json_schema")
                        .putObject("json_schema");
                schema.put("name", text(format, "name", "text.format"));
                for (String same : new String[] {"schema", "strict", "description"}) {
                    if (present(format.get(same))) schema.set(same, format.get(same));
                }
            }
            default -> throw new BadRequestException("'text.format.type' must be text, json_object or json_schema.",
                    "text.format.type");
        }
    }

    /** What a Response object repeats of its request. */
    private static ObjectNode echo(ObjectNode req) {
        ObjectNode echo = Json.object();
        echo.set("instructions", req.path("instructions").isTextual() ? req.get("instructions") : null);
        echo.set("max_output_tokens", present(req.get("max_output_tokens")) ? req.get("max_output_tokens") : null);
        echo.put("parallel_tool_calls", !req.path("parallel_tool_calls").isBoolean()
                || req.get("parallel_tool_calls").booleanValue());
        echo.set("previous_response_id", present(req.get("previous_response_id")) ? req.get("previous_response_id")
                : null);
        echo.set("temperature", req.path("temperature").isNumber() ? req.get("temperature") : null);
        echo.set("top_p", req.path("top_p").isNumber() ? req.get("top_p") : null);
        echo.set("tool_choice", present(req.get("tool_choice")) ? req.get("tool_choice")
                : Json.MAPPER.getNodeFactory().textNode("auto"));
        echo.set("tools", req.path("tools").isArray() ? req.get("tools") : Json.MAPPER.createArrayNode());
        echo.set("text", req.path("text").isObject() ? req.get("text")
                : Json.object().set("format", Json.object().put("type", "text")));
        echo.set("metadata", req.path("metadata").isObject() ? req.get("metadata") : Json.object());
        echo.put("store", !req.path("store").isBoolean() || req.get("store").booleanValue());
        return echo;
    }

    private static String text(JsonNode node, String field, String at) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) {
            throw new BadRequestException("'" + at + "." + field + "' must be a string.", at + "." + field);
        }
        return v.asText();
    }

    private static boolean present(JsonNode v) {
        return v != null && !v.isNull();
    }
}
