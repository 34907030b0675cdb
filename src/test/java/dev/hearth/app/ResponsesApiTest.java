package dev.hearth.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.TestModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Responses API translated to chat completions for Hearth's llamacpp engine serving the real
 * stories260K model in a child JVM: whole answers, the event stream, previous_response_id and bad
 * requests.
 */
class ResponsesApiTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String PROMPT = "Once upon a time";
    @TempDir
    static Path dir;
    static TestHearth h;

    @BeforeAll
    static void start() {
        h = new TestHearth(dir, "", """
                stories:
                  engine: llamacpp
                  path: %s
                  aliases: [tiny]
                """.formatted(TestModels.stories260K()));
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    @Test
    void stringInput_answersAResponse_withOutputTextAndUsage() throws Exception {
        JsonNode r = ok(h.post("/v1/responses", """
                {"model":"stories","input":"%s","max_output_tokens":12,"temperature":0}""".formatted(PROMPT)));

        assertThat(r.path("id").asText()).startsWith("resp_");
        assertThat(r.path("object").asText()).isEqualTo("response");
        assertThat(r.path("created_at").asLong()).isPositive();
        assertThat(r.path("model").asText()).isEqualTo("stories");
        assertThat(r.path("status").asText()).isIn("completed", "incomplete");
        JsonNode message = r.path("output").path(0);
        assertThat(message.path("type").asText()).isEqualTo("message");
        assertThat(message.path("role").asText()).isEqualTo("assistant");
        assertThat(message.path("id").asText()).startsWith("msg_");
        assertThat(message.at("/content/0/type").asText()).isEqualTo("output_text");
        assertThat(message.at("/content/0/text").asText()).isNotBlank();
        assertThat(r.at("/usage/input_tokens").asInt()).isPositive();
        assertThat(r.at("/usage/output_tokens").asInt()).isBetween(1, 12);
        assertThat(r.at("/usage/total_tokens").asInt())
                .isEqualTo(r.at("/usage/input_tokens").asInt() + r.at("/usage/output_tokens").asInt());
    }

    @Test
    void maxOutputTokensReached_isAnIncompleteResponse_namingTheReason() throws Exception {
        JsonNode r = ok(h.post("/v1/tiny/responses", """
                {"model":"gpt-4o","input":"%s","max_output_tokens":3}""".formatted(PROMPT)));

        assertThat(r.path("model").asText()).isEqualTo("stories"); // the path's model wins, the alias resolves
        assertThat(r.path("status").asText()).isEqualTo("incomplete");
        assertThat(r.at("/incomplete_details/reason").asText()).isEqualTo("max_output_tokens");
        assertThat(r.at("/usage/output_tokens").asInt()).isEqualTo(3);
    }

    @Test
    void streamed_eventsArriveInOrder_andTheirDeltasAreTheDoneText_andChatsAnswer() throws Exception {
        List<JsonNode> events = stream(h, """
                {"model":"stories","input":"%s","max_output_tokens":16,"temperature":0,"seed":3,"stream":true}"""
                .formatted(PROMPT));

        List<String> types = events.stream().map(e -> e.path("type").asText()).toList();
        assertThat(types.subList(0, 4)).containsExactly("response.created", "response.in_progress",
                "response.output_item.added", "response.content_part.added");
        assertThat(types.subList(types.size() - 4, types.size() - 1)).containsExactly("response.output_text.done",
                "response.content_part.done", "response.output_item.done");
        assertThat(types.getLast()).isIn("response.completed", "response.incomplete");
        assertThat(types.subList(4, types.size() - 4)).isNotEmpty().allMatch("response.output_text.delta"::equals);
        for (int i = 0; i < events.size(); i++) {
            assertThat(events.get(i).path("sequence_number").asInt()).isEqualTo(i);
        }
        StringBuilder deltas = new StringBuilder();
        events.stream().filter(e -> e.path("type").asText().equals("response.output_text.delta"))
                .forEach(e -> deltas.append(e.path("delta").asText()));
        JsonNode done = events.get(types.indexOf("response.output_text.done"));
        assertThat(deltas.toString()).isEqualTo(done.path("text").asText());
        JsonNode last = events.getLast().path("response");
        assertThat(last.at("/output/0/content/0/text").asText()).isEqualTo(deltas.toString());
        assertThat(last.at("/usage/output_tokens").asInt()).isBetween(1, 16);
        assertThat(last.path("id").asText()).isEqualTo(events.getFirst().at("/response/id").asText());

        JsonNode chat = ok(h.post("/v1/chat/completions", TestHearth.chat("stories",
                "\"max_tokens\":16,\"temperature\":0,\"seed\":3")));
        assertThat(deltas.toString()).isEqualTo(chat.at("/choices/0/message/content").asText());
    }

    @Test
    void previousResponseId_bringsTheEarlierTurnToTheEngine() throws Exception {
        String next = "And then the little dog ran to the big red house by the sea.";
        JsonNode first = ok(h.post("/v1/responses", """
                {"model":"stories","input":"%s","max_output_tokens":8}""".formatted(PROMPT)));
        JsonNode alone = ok(h.post("/v1/responses", """
                {"model":"stories","input":"%s","max_output_tokens":1}""".formatted(next)));
        JsonNode continued = ok(h.post("/v1/responses", """
                {"model":"stories","input":"%s","max_output_tokens":1,"previous_response_id":"%s"}"""
                .formatted(next, first.path("id").asText())));

        // the engine counted the first turn's prompt and answer in this prompt too
        assertThat(continued.path("previous_response_id").asText()).isEqualTo(first.path("id").asText());
        assertThat(continued.at("/usage/input_tokens").asInt())
                .isGreaterThan(alone.at("/usage/input_tokens").asInt() + first.at("/usage/input_tokens").asInt() / 2)
                .isGreaterThan(first.at("/usage/input_tokens").asInt() + first.at("/usage/output_tokens").asInt());
    }

    @Test
    void previousResponseId_unknownOrNotStored_is400NamingIt() throws Exception {
        HttpResponse<String> unknown = h.post("/v1/responses", """
                {"model":"stories","input":"Hi","previous_response_id":"resp_nosuch"}""");
        assertError(unknown, "previous_response_id", "resp_nosuch");

        JsonNode unstored = ok(h.post("/v1/responses", """
                {"model":"stories","input":"Hi","max_output_tokens":1,"store":false}"""));
        assertThat(unstored.path("store").asBoolean()).isFalse();
        assertError(h.post("/v1/responses", """
                {"model":"stories","input":"Hi","previous_response_id":"%s"}""".formatted(unstored.path("id").asText())),
                "previous_response_id", unstored.path("id").asText());
    }

    @Test
    void badInput_is400NamingTheField_beforeAnyEngineRuns() throws Exception {
        assertError(h.post("/v1/responses", "{\"model\":\"stories\"}"), "input", "input");
        assertError(h.post("/v1/responses", "{\"model\":\"stories\",\"input\":42}"), "input", "string");
        assertError(h.post("/v1/responses", "{\"model\":\"stories\",\"input\":[{\"type\":\"computer_call\"}]}"),
                "input[0].type", "computer_call");
        assertError(h.post("/v1/responses", "{\"model\":\"stories\",\"input\":[{\"role\":\"robot\",\"content\":\"x\"}]}"),
                "input[0].role", "user");
        assertError(h.post("/v1/responses", "{\"model\":\"stories\",\"input\":\"x\",\"tools\":[\"web_search\"]}"),
                "tools[0]", "type");
        assertError(h.post("/v1/responses", "{\"model\":\"stories\",\"input\":\"x\",\"tools\":[{\"type\":\"function\"}]}"),
                "tools[0].name", "string");
        assertError(h.post("/v1/responses", "{\"model\":\"stories\",\"input\":\"x\",\"max_output_tokens\":0}"),
                "max_output_tokens", "positive");
        assertError(h.post("/v1/responses", "{\"model\":\"stories\",\"input\":\"x\",\"temperature\":7}"),
                "temperature", "0 to 2");
        assertError(h.post("/v1/responses", "{\"model\":\"stories\",\"input\":\"x\",\"tool_choice\":\"sometimes\"}"),
                "tool_choice", "auto");
    }

    @Test
    void itemsWithInstructionsFunctionCallsAndTheirOutputs_reachTheEngineAsChat() throws Exception {
        JsonNode r = ok(h.post("/v1/responses", """
                {"model":"stories","instructions":"Tell short stories.","max_output_tokens":4,
                 "tools":[{"type":"function","name":"weather","description":"The weather in a town",
                           "parameters":{"type":"object","properties":{"town":{"type":"string"}}}}],
                 "input":[{"role":"user","content":[{"type":"input_text","text":"What is the weather?"}]},
                          {"type":"function_call","call_id":"call_1","name":"weather","arguments":"{\\"town\\":\\"Oslo\\"}"},
                          {"type":"function_call_output","call_id":"call_1","output":"sunny"},
                          {"type":"message","role":"user","content":"Once upon a time"}]}"""));

        assertThat(r.at("/output/0/type").asText()).isEqualTo("message");
        assertThat(r.at("/tools/0/name").asText()).isEqualTo("weather");
        assertThat(r.path("instructions").asText()).isEqualTo("Tell short stories.");
    }

    static JsonNode ok(HttpResponse<String> r) throws IOException {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    static void assertError(HttpResponse<String> r, String param, String mentioned) throws IOException {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonNode error = JSON.readTree(r.body()).path("error");
        assertThat(error.path("param").asText()).isEqualTo(param);
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("message").asText()).contains(mentioned);
    }

    /** The data of each SSE event, checking that its event: line names its type. */
    static List<JsonNode> stream(TestHearth h, String body) throws Exception {
        HttpResponse<java.io.InputStream> r = h.http.send(HttpRequest.newBuilder(h.uri("/v1/responses"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        List<JsonNode> events = new ArrayList<>();
        String name = null;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith("event: ")) name = line.substring(7);
                if (line.startsWith("data: ")) {
                    JsonNode e = JSON.readTree(line.substring(6));
                    assertThat(e.path("type").asText()).isEqualTo(name);
                    events.add(e);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return events;
    }
}
