package dev.hearth.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every malformed request is answered in the OpenAI error envelope with a 4xx naming what is wrong,
 * before any engine is started for it. The chat model here is a remote URL nobody serves: were it
 * ever contacted, the answer would be 502, not the 4xx asserted.
 */
class GatewayErrorsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    static TestHearth h;

    @BeforeAll
    static void start() {
        h = new TestHearth(dir, "", """
                chat:
                  task: chat
                  engine: remote
                  url: http://127.0.0.1:9
                  start_timeout: 1s
                embed:
                  task: embeddings
                  engine: remote
                  url: http://127.0.0.1:9
                """);
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            not JSON            | {"model":                                             | 400 | The request body is not valid JSON |
            an array            | [1,2]                                                 | 400 | must be a JSON object, got array   |
            no model            | {"messages":[{"role":"user","content":"hi"}]}          | 400 | Missing required parameter 'model' | model
            model not a string  | {"model":7,"messages":[]}                             | 400 | 'model' must be a non-empty string | model
            unknown model       | {"model":"nope","messages":[{"role":"user","content":"x"}]} | 404 | The model 'nope' does not exist | model
            no messages         | {"model":"chat"}                                      | 400 | Missing required parameter 'messages' | messages
            messages not array  | {"model":"chat","messages":"hi"}                      | 400 | 'messages' must be a non-empty array | messages
            message no role     | {"model":"chat","messages":[{"content":"hi"}]}         | 400 | 'messages[0].role' must be a string | messages[0].role
            temperature too hot | {"model":"chat","messages":[{"role":"user","content":"x"}],"temperature":5} | 400 | 'temperature' must be a number from 0 to 2 | temperature
            max_tokens negative | {"model":"chat","messages":[{"role":"user","content":"x"}],"max_tokens":-1} | 400 | 'max_tokens' must be a positive integer | max_tokens
            stream not boolean  | {"model":"chat","messages":[{"role":"user","content":"x"}],"stream":"yes"} | 400 | 'stream' must be true or false | stream
            stop not strings    | {"model":"chat","messages":[{"role":"user","content":"x"}],"stop":[1]} | 400 | 'stop' must be a string or an array of strings | stop
            wrong task          | {"model":"embed","messages":[{"role":"user","content":"x"}]} | 400 | is a embeddings model; it cannot serve /v1/chat/completions | model
            """)
    void chatCompletions_answers4xxInEnvelope_whenBodyIsMalformed(String name, String body, int status, String message,
                                                                  String param) throws Exception {
        HttpResponse<String> r = h.post("/v1/chat/completions", body);

        assertThat(r.statusCode()).as(name).isEqualTo(status);
        JsonNode error = JSON.readTree(r.body()).get("error");
        assertThat(error.get("message").asText()).contains(message);
        assertThat(error.get("type").asText()).isEqualTo(status == 404 ? "invalid_request_error" : "invalid_request_error");
        assertThat(error.get("param").isNull() ? null : error.get("param").asText()).isEqualTo(param);
        assertThat(r.headers().firstValue("content-type")).contains("application/json");
        assertNoEngineStarted();
    }

    @Test
    void embeddings_answers400_whenInputMissing() throws Exception {
        HttpResponse<String> r = h.post("/v1/embeddings", "{\"model\":\"embed\"}");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).at("/error/param").asText()).isEqualTo("input");
    }

    @Test
    void emptyBody_answers400() throws Exception {
        HttpResponse<String> r = h.post("/v1/chat/completions", "");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).at("/error/message").asText()).contains("body is empty");
    }

    @Test
    void unknownRoute_answers404InEnvelope() throws Exception {
        HttpResponse<String> r = h.get("/v1/nothing/here/at/all");

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(r.body()).at("/error/message").asText()).isEqualTo("No route for GET /v1/nothing/here/at/all.");
    }

    @Test
    void hugeBody_answers413InEnvelope() throws Exception {
        String huge = "{\"model\":\"chat\",\"prompt\":\"" + "a".repeat(65 * 1024 * 1024) + "\"}";
        // Expect: 100-continue lets the server refuse on Content-Length before the body is sent;
        // without it, a loaded machine sometimes sees the connection closed mid-upload instead
        HttpResponse<String> r = h.send(HttpRequest.newBuilder(h.uri("/v1/completions")).expectContinue(true)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(huge)).build());

        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(JSON.readTree(r.body()).at("/error/message").asText()).contains("larger than this server accepts");
    }

    @Test
    void unknownModelOnAdminRoute_answers404() throws Exception {
        HttpResponse<String> r = h.send(HttpRequest.newBuilder(h.uri("/api/models/ghost/load"))
                .POST(HttpRequest.BodyPublishers.noBody()).build());

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(r.body()).at("/error/code").asText()).isEqualTo("model_not_found");
    }

    private static void assertNoEngineStarted() {
        assertThat(h.hearth.scheduler().status()).allSatisfy(s -> assertThat(s.state().wire()).isEqualTo("unloaded"));
    }
}
