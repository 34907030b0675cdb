package dev.hearth.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.TestModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The official OpenAI Python SDK's {@code client.responses.create}, whole and {@code stream=True},
 * against Hearth's translation of the Responses API for stories260K on the llamacpp engine. The SDK
 * parses every object and event into its own types, so a shape it does not know fails the script.
 */
class ResponsesPythonSdkTest {
    private static final Path SCRIPT = Path.of("src/test/resources/sdk/openai_python_responses.py");

    @TempDir
    static Path dir;
    static TestHearth h;
    static JsonNode report;

    @BeforeAll
    static void run() throws Exception {
        h = new TestHearth(dir, "", """
                stories:
                  engine: llamacpp
                  path: %s
                """.formatted(TestModels.stories260K()));
        report = PythonSdk.report(h, dir, SCRIPT);
    }

    @AfterAll
    static void stop() {
        if (h != null) h.close();
    }

    @Test
    void pythonSdk_createsAResponse_withItsOutputTextAndUsage() {
        JsonNode whole = report.path("whole");
        assertThat(whole.path("id").asText()).startsWith("resp_");
        assertThat(whole.path("object").asText()).isEqualTo("response");
        assertThat(whole.path("status").asText()).isIn("completed", "incomplete");
        assertThat(whole.path("output_text").asText()).isNotBlank();
        assertThat(whole.path("output_types").get(0).asText()).isEqualTo("message");
        assertThat(whole.path("input_tokens").asInt()).isPositive();
        assertThat(whole.path("output_tokens").asInt()).isBetween(1, 12);
    }

    @Test
    void pythonSdk_streams_theEventsItKnows_intoTheSameText() {
        JsonNode stream = report.path("stream");
        List<String> types = StreamSupport.stream(stream.path("types").spliterator(), false).map(JsonNode::asText).toList();
        assertThat(types.getFirst()).isEqualTo("response.created");
        assertThat(types).contains("response.output_text.delta", "response.output_text.done");
        assertThat(types.getLast()).isIn("response.completed", "response.incomplete");
        assertThat(stream.path("deltas").asText()).isNotBlank().isEqualTo(stream.path("done_text").asText())
                .isEqualTo(stream.path("final_output_text").asText())
                .isEqualTo(report.at("/whole/output_text").asText()); // temperature 0: the same story
    }

    @Test
    void pythonSdk_continuesByPreviousResponseId_andRaisesBadRequestForAnUnknownOne() {
        assertThat(report.at("/continued/input_tokens").asInt()).isGreaterThan(report.at("/whole/input_tokens").asInt());
        JsonNode unknown = report.path("unknown_previous");
        assertThat(unknown.path("class").asText()).isEqualTo("BadRequestError");
        assertThat(unknown.path("status").asInt()).isEqualTo(400);
        assertThat(unknown.path("param").asText()).isEqualTo("previous_response_id");
        assertThat(unknown.path("message").asText()).contains("resp_unknown");
    }
}
