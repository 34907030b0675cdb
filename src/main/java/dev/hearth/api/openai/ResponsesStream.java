package dev.hearth.api.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.Json;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * A chat completion stream, written to it as the engine sends it, retold to the client as the
 * Responses API's events: response.created and response.in_progress; per output item
 * response.output_item.added, its content (output_text deltas, or function_call_arguments deltas), the
 * matching .done events and response.output_item.done; at the engine's [DONE] response.completed (or
 * response.incomplete at the token limit). An error the proxy appends (the engine failed, a timeout)
 * becomes response.failed. Every event carries its type and a sequence_number from 0.
 */
final class ResponsesStream extends OutputStream {
    private final OutputStream client;
    private final ResponsesOutput response;
    private final Consumer<JsonNode> finished;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private final ArrayNode output = Json.MAPPER.createArrayNode();
    private int sequence;
    private boolean started;
    private boolean ended;
    private String finish;
    private JsonNode usage;

    /** The message or function call being streamed, or null. */
    private Item open;

    private static final class Item {
        final ObjectNode node;
        final int index;
        final int toolIndex; // the chat tool_calls index of a function call, -1 for the message
        final StringBuilder text = new StringBuilder();

        Item(ObjectNode node, int index, int toolIndex) {
            this.node = node;
            this.index = index;
            this.toolIndex = toolIndex;
        }

        String id() { return node.path("id").asText(); }
    }

    /** @param finished told the final Response once the stream completed (not when it failed) */
    ResponsesStream(OutputStream client, ResponsesOutput response, Consumer<JsonNode> finished) {
        this.client = client;
        this.response = response;
        this.finished = finished;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] buf, int off, int len) throws IOException {
        for (int i = off; i < off + len; i++) {
            if (buf[i] == '\n') {
                line(line.toString(StandardCharsets.UTF_8));
                line.reset();
            } else {
                line.write(buf[i]);
            }
        }
    }

    @Override
    public void flush() throws IOException {
        client.flush();
    }

    @Override
    public void close() throws IOException {
        client.close();
    }

    private void line(String text) throws IOException {
        if (ended || !text.startsWith("data:")) return; // blank separators, comments, event names
        String data = text.substring(5).strip();
        if (data.equals("[DONE]")) {
            complete();
            return;
        }
        JsonNode chunk;
        try {
            chunk = Json.MAPPER.readTree(data);
        } catch (IOException notJson) {
            return; // not a chat chunk: nothing the client could use
        }
        begin();
        if (chunk.has("error")) {
            fail(chunk.get("error"));
            return;
        }
        if (chunk.path("usage").isObject()) usage = chunk.get("usage");
        JsonNode choice = chunk.path("choices").path(0);
        if (choice.path("finish_reason").isTextual()) finish = choice.get("finish_reason").asText();
        JsonNode delta = choice.path("delta");
        if (delta.path("content").isTextual() && !delta.get("content").asText().isEmpty()) {
            text(delta.get("content").asText());
        }
        for (JsonNode call : delta.path("tool_calls")) {
            toolCall(call);
        }
    }

    private void begin() throws IOException {
        if (started) return;
        started = true;
        ObjectNode r = response.response("in_progress", Json.MAPPER.createArrayNode(), null, null, null);
        send(event("response.created").set("response", r));
        send(event("response.in_progress").set("response", r));
    }

    private void text(String delta) throws IOException {
        if (open != null && open.toolIndex >= 0) close(open);
        if (open == null) {
            open = add(ResponsesOutput.message(ResponsesOutput.newId("msg"), "in_progress", null), -1);
            send(part("response.content_part.added", open).set("part", ResponsesOutput.textPart("")));
        }
        open.text.append(delta);
        ObjectNode e = part("response.output_text.delta", open).put("delta", delta);
        e.putArray("logprobs");
        send(e);
    }

    private void toolCall(JsonNode call) throws IOException {
        int index = call.path("index").asInt(0);
        JsonNode fn = call.path("function");
        if (open == null || open.toolIndex != index) {
            if (open != null) close(open);
            String callId = call.path("id").isTextual() ? call.get("id").asText() : ResponsesOutput.newId("call");
            open = add(ResponsesOutput.functionCall(ResponsesOutput.newId("fc"), callId, fn.path("name").asText(""),
                    "", "in_progress"), index);
        } else if (fn.path("name").isTextual() && open.node.path("name").asText().isEmpty()) {
            open.node.put("name", fn.get("name").asText());
        }
        String args = fn.path("arguments").asText("");
        if (!args.isEmpty()) {
            open.text.append(args);
            send(event("response.function_call_arguments.delta").put("item_id", open.id())
                    .put("output_index", open.index).put("delta", args));
        }
    }

    private Item add(ObjectNode item, int toolIndex) throws IOException {
        Item it = new Item(item, output.size(), toolIndex);
        output.add(item);
        send(event("response.output_item.added").put("output_index", it.index).set("item", item.deepCopy()));
        return it;
    }

    private void close(Item it) throws IOException {
        String text = it.text.toString();
        if (it.toolIndex < 0) {
            ObjectNode done = part("response.output_text.done", it).put("text", text);
            done.putArray("logprobs");
            send(done);
            ObjectNode part = ResponsesOutput.textPart(text);
            send(part("response.content_part.done", it).set("part", part));
            ((ArrayNode) it.node.get("content")).add(part);
        } else {
            it.node.put("arguments", text);
            send(event("response.function_call_arguments.done").put("item_id", it.id())
                    .put("name", it.node.path("name").asText()).put("output_index", it.index).put("arguments", text));
        }
        it.node.put("status", "completed");
        send(event("response.output_item.done").put("output_index", it.index).set("item", it.node));
        open = null;
    }

    private void complete() throws IOException {
        begin();
        if (open != null) close(open);
        if (output.isEmpty()) { // an empty answer is still a message, as a whole answer's is
            open = add(ResponsesOutput.message(ResponsesOutput.newId("msg"), "in_progress", null), -1);
            send(part("response.content_part.added", open).set("part", ResponsesOutput.textPart("")));
            close(open);
        }
        ended = true;
        String status = ResponsesOutput.status(finish);
        ObjectNode r = response.response(status, output, finish, usage, null);
        send(event(status.equals("completed") ? "response.completed" : "response.incomplete").set("response", r));
        finished.accept(r);
    }

    private void fail(JsonNode error) throws IOException {
        ended = true;
        ObjectNode why = Json.object().put("code", "server_error")
                .put("message", error.path("message").asText("The engine failed while answering."));
        send(event("response.failed").set("response", response.response("failed", output, null, usage, why)));
    }

    private ObjectNode event(String type) {
        return Json.object().put("type", type).put("sequence_number", sequence++);
    }

    private ObjectNode part(String type, Item it) {
        return event(type).put("item_id", it.id()).put("output_index", it.index).put("content_index", 0);
    }

    private void send(JsonNode event) throws IOException {
        client.write(("event: " + event.path("type").asText() + "\ndata: " + event + "\n\n")
                .getBytes(StandardCharsets.UTF_8));
    }
}
