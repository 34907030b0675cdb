package dev.hearth.app;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * /v1/responses passed through to an engine that serves it, against a FAKE vLLM
 * (src/test/resources/fake_vllm.py: no vLLM here): the request arrives as sent, the model renamed as
 * for chat, and the answer comes back as the engine wrote it, a stream ending at response.completed.
 */
class ResponsesPassthroughTest {
    private static final Path FAKE_VLLM = Path.of("src/test/resources/fake_vllm.py").toAbsolutePath();
    @TempDir
    static Path dir;
    static TestHearth h;

    @BeforeAll
    static void start() {
        h = new TestHearth(dir, "", """
                qwen:
                  engine: vllm
                  cmd: python3 %s --port ${PORT} --name ${NAME}
                  aliases: [fast]
                  start_timeout: 60s
                  tool_parser: hermes
                """.formatted(FAKE_VLLM));
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    @Test
    void whole_reachesTheFakeVllmAsSent_modelRenamed_andItsResponseComesBack() throws Exception {
        JsonNode r = ResponsesApiTest.ok(h.post("/v1/responses", """
                {"model":"fast","input":"Hi","previous_response_id":"resp_kept_by_vllm","reasoning":{"effort":"low"}}"""));

        assertThat(r.path("id").asText()).isEqualTo("resp_fakevllm");
        assertThat(r.at("/output/0/content/0/text").asText()).isEqualTo("fake vllm response");
        // the fake logs the body it got with sorted keys; what Hearth does not translate it does not touch.
        // Its lines reach the log through a pipe Hearth reads on its own thread: a moment after the answer.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(h.get("/api/models/qwen/logs?lines=100")
                .body()).contains("fake vllm: responses {\\\"input\\\": \\\"Hi\\\", \\\"model\\\": \\\"qwen\\\","
                        + " \\\"previous_response_id\\\": \\\"resp_kept_by_vllm\\\", \\\"reasoning\\\": {\\\"effort\\\": \\\"low\\\"}}")
                .contains("tool call parser hermes")); // tool_parser: reached vLLM's command line
    }

    @Test
    void streamed_passesTheEventsThrough_endingAtResponseCompleted() throws Exception {
        List<JsonNode> events = ResponsesApiTest.stream(h, """
                {"model":"qwen","input":"Hi","stream":true}""");

        assertThat(events.stream().map(e -> e.path("type").asText())).containsExactly("response.created",
                "response.output_item.added", "response.output_text.delta", "response.output_item.done",
                "response.completed");
        assertThat(events.getLast().at("/response/id").asText()).isEqualTo("resp_fakevllm");
    }

    @Test
    void streamed_endingInResponseIncomplete_isAWholeStream_notABrokenOne() throws Exception {
        List<JsonNode> events = ResponsesApiTest.stream(h, """
                {"model":"qwen","input":"Hi","stream":true,"max_output_tokens":1}""");

        assertThat(events.getLast().path("type").asText()).isEqualTo("response.incomplete");
        assertThat(events).noneMatch(e -> e.has("error")); // no "stream ended without" event appended
    }
}
