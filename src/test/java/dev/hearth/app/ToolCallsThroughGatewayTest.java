package dev.hearth.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tool calls through the gateway, against a FAKE OpenAI-compatible server (a JDK HttpServer in this
 * test: no real engine here streams tool calls on demand) that records each request body and answers
 * with tool_call deltas, reasoning_content and finish_reason "tool_calls". Chat relays both ways
 * untouched; the Responses translation turns the calls into function_call items.
 */
class ToolCallsThroughGatewayTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    static TestHearth h;
    static HttpServer fake;
    static final List<JsonNode> received = new CopyOnWriteArrayList<>();

    /** What the fake streams, one event per write: reasoning, then two parallel calls in pieces. */
    static final List<String> STREAM = List.of(
            chunk("{\"role\":\"assistant\",\"content\":null,\"reasoning_content\":\"The user wants weather.\"}", null),
            chunk("{\"tool_calls\":[{\"index\":0,\"id\":\"call_a\",\"type\":\"function\",\"function\":{\"name\":\"weather\",\"arguments\":\"\"}}]}", null),
            chunk("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"town\\\":\"}}]}", null),
            chunk("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\\\"Oslo\\\"}\"}}]}", null),
            chunk("{\"tool_calls\":[{\"index\":1,\"id\":\"call_b\",\"type\":\"function\",\"function\":{\"name\":\"time\",\"arguments\":\"{}\"}}]}", null),
            chunk("{}", "\"tool_calls\""),
            "data: {\"id\":\"chatcmpl-fake\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"tools\",\"choices\":[],"
                    + "\"usage\":{\"prompt_tokens\":21,\"completion_tokens\":9,\"total_tokens\":30}}\n\n",
            "data: [DONE]\n\n");

    static final String WHOLE = """
            {"id":"chatcmpl-fake","object":"chat.completion","created":1,"model":"tools","choices":[{"index":0,\
            "message":{"role":"assistant","content":null,"reasoning_content":"Weather, then.","tool_calls":[\
            {"id":"call_w","type":"function","function":{"name":"weather","arguments":"{\\"town\\":\\"Oslo\\"}"}}]},\
            "finish_reason":"tool_calls"}],"usage":{"prompt_tokens":20,"completion_tokens":7,"total_tokens":27}}""";

    static final String TOOLS = """
            [{"type":"function","function":{"name":"weather","description":"The weather in a town","strict":true,\
            "parameters":{"type":"object","properties":{"town":{"type":"string"}},"required":["town"]}}},\
            {"type":"function","function":{"name":"time","parameters":{"type":"object","properties":{}}}}]""";

    static String chunk(String delta, String finish) {
        return "data: {\"id\":\"chatcmpl-fake\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"tools\","
                + "\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":" + finish + "}]}\n\n";
    }

    @BeforeAll
    static void start() throws IOException {
        fake = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        fake.createContext("/health", x -> answer(x, "application/json", List.of("{}")));
        fake.createContext("/v1/chat/completions", ToolCallsThroughGatewayTest::chat);
        fake.start();
        h = new TestHearth(dir, "", """
                tools:
                  engine: remote
                  url: http://127.0.0.1:%d
                """.formatted(fake.getAddress().getPort()));
    }

    @AfterAll
    static void stop() {
        if (h != null) h.close();
        if (fake != null) fake.stop(0);
    }

    @BeforeEach
    void forget() {
        received.clear();
    }

    private static void chat(HttpExchange x) throws IOException {
        JsonNode body = JSON.readTree(x.getRequestBody().readAllBytes());
        received.add(body);
        if (body.path("stream").asBoolean() && body.toString().contains("break off")) {
            answer(x, "text/event-stream", List.of(chunk("{\"role\":\"assistant\",\"content\":\"Once\"}", null)));
        } else if (body.path("stream").asBoolean()) {
            answer(x, "text/event-stream", STREAM);
        } else {
            answer(x, "application/json", List.of(WHOLE));
        }
    }

    private static void answer(HttpExchange x, String type, List<String> parts) throws IOException {
        x.getResponseHeaders().add("Content-Type", type);
        x.sendResponseHeaders(200, 0);
        try (OutputStream out = x.getResponseBody()) {
            for (String p : parts) {
                out.write(p.getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        }
    }

    @Test
    void chatStream_toolsReachTheEngineUntouched_andToolCallDeltasComeBackByteForByte() throws Exception {
        String request = """
                {"model":"tools","stream":true,"messages":[{"role":"user","content":"Weather in Oslo?"}],
                 "tools":%s,"tool_choice":{"type":"function","function":{"name":"weather"}},"parallel_tool_calls":true}"""
                .formatted(TOOLS);

        HttpResponse<byte[]> r = h.http.send(HttpRequest.newBuilder(h.uri("/v1/chat/completions"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(request)).build(),
                HttpResponse.BodyHandlers.ofByteArray());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(String.join("", STREAM));
        assertThat(received).hasSize(1);
        assertThat(received.getFirst()).isEqualTo(JSON.readTree(request)); // the model's name is its own here
    }

    @Test
    void chatWhole_toolCallsAndReasoningComeBackByteForByte() throws Exception {
        HttpResponse<String> r = h.post("/v1/chat/completions", """
                {"model":"tools","messages":[{"role":"user","content":"Weather?"}],"tools":%s,"tool_choice":"required"}"""
                .formatted(TOOLS));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(WHOLE);
        assertThat(received.getFirst().path("tool_choice").asText()).isEqualTo("required");
        assertThat(received.getFirst().path("tools")).isEqualTo(JSON.readTree(TOOLS));
    }

    @Test
    void responses_functionToolsBecomeChatTools_andToolCallsFunctionCallItems() throws Exception {
        JsonNode r = ResponsesApiTest.ok(h.post("/v1/responses", """
                {"model":"tools","input":"Weather?","tool_choice":{"type":"function","name":"weather"},
                 "parallel_tool_calls":false,
                 "tools":[{"type":"function","name":"weather","description":"The weather in a town","strict":true,
                           "parameters":{"type":"object","properties":{"town":{"type":"string"}},"required":["town"]}}]}"""));

        JsonNode sent = received.getFirst();
        assertThat(sent.path("tools").get(0)).isEqualTo(JSON.readTree(TOOLS).get(0));
        assertThat(sent.path("tool_choice")).isEqualTo(JSON.readTree("{\"type\":\"function\",\"function\":{\"name\":\"weather\"}}"));
        assertThat(sent.path("parallel_tool_calls").asBoolean(true)).isFalse();
        assertThat(r.path("output")).hasSize(1);
        JsonNode call = r.path("output").get(0);
        assertThat(call.path("type").asText()).isEqualTo("function_call");
        assertThat(call.path("id").asText()).startsWith("fc_");
        assertThat(call.path("call_id").asText()).isEqualTo("call_w");
        assertThat(call.path("name").asText()).isEqualTo("weather");
        assertThat(call.path("arguments").asText()).isEqualTo("{\"town\":\"Oslo\"}");
        assertThat(r.path("status").asText()).isEqualTo("completed");
        assertThat(r.at("/usage/total_tokens").asInt()).isEqualTo(27);
    }

    @Test
    void responsesStream_toolCallsStreamAsFunctionCallItems_withArgumentDeltas() throws Exception {
        List<JsonNode> events = ResponsesApiTest.stream(h, """
                {"model":"tools","input":"Weather and time?","stream":true,
                 "tools":[{"type":"function","name":"weather"},{"type":"function","name":"time"}]}""");

        assertThat(events.stream().map(e -> e.path("type").asText())).containsExactly(
                "response.created", "response.in_progress",
                "response.output_item.added", "response.function_call_arguments.delta",
                "response.function_call_arguments.delta", "response.function_call_arguments.done",
                "response.output_item.done",
                "response.output_item.added", "response.function_call_arguments.delta",
                "response.function_call_arguments.done", "response.output_item.done",
                "response.completed");
        assertThat(events.get(2).at("/item/type").asText()).isEqualTo("function_call");
        assertThat(events.get(2).at("/item/name").asText()).isEqualTo("weather");
        assertThat(events.get(2).at("/item/call_id").asText()).isEqualTo("call_a");
        assertThat(events.get(5).path("arguments").asText()).isEqualTo("{\"town\":\"Oslo\"}");
        assertThat(events.get(5).path("name").asText()).isEqualTo("weather");
        assertThat(events.get(7).path("output_index").asInt()).isEqualTo(1);
        JsonNode done = events.getLast().path("response");
        assertThat(done.at("/output/1/name").asText()).isEqualTo("time");
        assertThat(done.at("/output/1/call_id").asText()).isEqualTo("call_b");
        assertThat(done.at("/usage/input_tokens").asInt()).isEqualTo(21);
        assertThat(received.getFirst().at("/stream_options/include_usage").asBoolean()).isTrue();
    }

    @Test
    void responsesStream_anEngineThatBreaksOffMidStream_endsInResponseFailed() throws Exception {
        List<JsonNode> events = ResponsesApiTest.stream(h, """
                {"model":"tools","input":"break off","stream":true}""");

        assertThat(events.stream().map(e -> e.path("type").asText())).containsExactly("response.created",
                "response.in_progress", "response.output_item.added", "response.content_part.added",
                "response.output_text.delta", "response.failed");
        JsonNode failed = events.getLast().path("response");
        assertThat(failed.path("status").asText()).isEqualTo("failed");
        assertThat(failed.at("/error/code").asText()).isEqualTo("server_error");
        assertThat(failed.at("/error/message").asText()).contains("tools");
    }

    @Test
    void responses_functionCallOutput_continuesTheStoredTurn_asAToolMessage() throws Exception {
        JsonNode first = ResponsesApiTest.ok(h.post("/v1/responses", """
                {"model":"tools","input":"Weather?","tools":[{"type":"function","name":"weather"}]}"""));
        received.clear();

        ResponsesApiTest.ok(h.post("/v1/responses", """
                {"model":"tools","previous_response_id":"%s","instructions":"Be brief.",
                 "input":[{"type":"function_call_output","call_id":"call_w","output":"sunny"}]}"""
                .formatted(first.path("id").asText())));

        ObjectNode expected = (ObjectNode) JSON.readTree("""
                {"messages":[{"role":"system","content":"Be brief."},
                  {"role":"user","content":"Weather?"},
                  {"role":"assistant","content":null,"tool_calls":[{"id":"call_w","type":"function",
                    "function":{"name":"weather","arguments":"{\\"town\\":\\"Oslo\\"}"}}]},
                  {"role":"tool","tool_call_id":"call_w","content":"sunny"}]}""");
        assertThat(received.getFirst().path("messages")).isEqualTo(expected.path("messages"));
    }
}
