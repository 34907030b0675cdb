package dev.hearth.engine.llamacpp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The OpenAI surface of one real child engine serving stories260K. */
class LlamaEngineApiTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static EngineProcess engine;

    @BeforeAll
    static void start() throws Exception {
        engine = EngineProcess.start("stories", Map.of()).awaitReady();
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    static JsonNode post(String path, String body, int expectedStatus) throws Exception {
        HttpResponse<String> r = engine.post(path, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(expectedStatus);
        return JSON.readTree(r.body());
    }

    static String chat(String extra) {
        return "{\"model\":\"stories\",\"messages\":[{\"role\":\"system\",\"content\":\"You tell stories.\"},"
                + "{\"role\":\"user\",\"content\":\"Tell me about a cat.\"}]" + extra + "}";
    }

    @Test
    void chat_returnsTextUsageAndFinishReason() throws Exception {
        JsonNode r = post("/v1/chat/completions", chat(",\"max_tokens\":40"), 200);
        assertThat(r.get("id").asText()).startsWith("chatcmpl-");
        assertThat(r.get("object").asText()).isEqualTo("chat.completion");
        assertThat(r.get("model").asText()).isEqualTo("stories");
        assertThat(r.get("created").asLong()).isPositive();
        JsonNode choice = r.get("choices").get(0);
        assertThat(choice.at("/message/role").asText()).isEqualTo("assistant");
        assertThat(choice.at("/message/content").asText()).isNotBlank();
        assertThat(choice.get("finish_reason").asText()).isIn("stop", "length");
        JsonNode usage = r.get("usage");
        assertThat(usage.get("prompt_tokens").asInt()).isGreaterThan(10); // the ChatML-formatted prompt
        assertThat(usage.get("completion_tokens").asInt()).isBetween(1, 40);
        assertThat(usage.get("total_tokens").asInt())
                .isEqualTo(usage.get("prompt_tokens").asInt() + usage.get("completion_tokens").asInt());
    }

    @Test
    void chat_finishesWithLength_whenMaxTokensIsReached() throws Exception {
        JsonNode r = post("/v1/chat/completions", chat(",\"max_tokens\":5,\"seed\":7"), 200);
        assertThat(r.at("/choices/0/finish_reason").asText()).isEqualTo("length");
        assertThat(r.at("/usage/completion_tokens").asInt()).isEqualTo(5);
    }

    @Test
    void chat_acceptsMaxCompletionTokens() throws Exception {
        JsonNode r = post("/v1/chat/completions", chat(",\"max_completion_tokens\":3,\"seed\":7"), 200);
        assertThat(r.at("/usage/completion_tokens").asInt()).isEqualTo(3);
    }

    @Test
    void chat_repeatsItself_withTheSameSeedAndTemperature() throws Exception {
        String body = chat(",\"max_tokens\":60,\"temperature\":1.0,\"top_p\":0.95,\"seed\":1234");
        String first = post("/v1/chat/completions", body, 200).at("/choices/0/message/content").asText();
        post("/v1/chat/completions", chat(",\"max_tokens\":20"), 200); // something else in between
        String second = post("/v1/chat/completions", body, 200).at("/choices/0/message/content").asText();
        assertThat(second).isEqualTo(first).isNotEmpty();
    }

    @Test
    void concurrentRequests_doNotCorruptEachOther() throws Exception {
        String a = chat(",\"max_tokens\":50,\"temperature\":0.9,\"seed\":11");
        String b = "{\"prompt\":\"The dog\",\"max_tokens\":50,\"temperature\":0.9,\"seed\":22}";
        String aliceAlone = post("/v1/chat/completions", a, 200).at("/choices/0/message/content").asText();
        String bobAlone = post("/v1/completions", b, 200).at("/choices/0/text").asText();
        var aliceTogether = CompletableFuture.supplyAsync(() -> engine.uncheckedPost("/v1/chat/completions", a));
        var bobTogether = CompletableFuture.supplyAsync(() -> engine.uncheckedPost("/v1/completions", b));
        assertThat(JSON.readTree(aliceTogether.get().body()).at("/choices/0/message/content").asText()).isEqualTo(aliceAlone);
        assertThat(JSON.readTree(bobTogether.get().body()).at("/choices/0/text").asText()).isEqualTo(bobAlone);
    }

    @Test
    void completions_continueThePrompt() throws Exception {
        JsonNode r = post("/v1/completions", "{\"prompt\":\"Once upon a time\",\"max_tokens\":10}", 200);
        assertThat(r.get("id").asText()).startsWith("cmpl-");
        assertThat(r.get("object").asText()).isEqualTo("text_completion");
        assertThat(r.at("/choices/0/text").asText()).isNotBlank();
        assertThat(r.at("/usage/prompt_tokens").asInt()).isEqualTo(4);
    }

    @Test
    void stop_endsTheAnswerBeforeTheStopText_evenAcrossTokens() throws Exception {
        // greedy and seeded: a seeded request skips the prompt cache, so both runs compute the same logits
        String greedy = "{\"prompt\":\"Once upon a time\",\"max_tokens\":60,\"temperature\":0,\"seed\":1";
        String full = post("/v1/completions", greedy + "}", 200).at("/choices/0/text").asText();
        assertThat(full.length()).isGreaterThan(30);
        String stop = full.substring(20, 27); // seven characters: more than one token of this vocabulary
        String expected = full.substring(0, full.indexOf(stop));

        JsonNode r = post("/v1/completions", greedy + ",\"stop\":[\"zzz\"," + JSON.writeValueAsString(stop) + "]}", 200);
        assertThat(r.at("/choices/0/text").asText()).isEqualTo(expected);
        assertThat(r.at("/choices/0/finish_reason").asText()).isEqualTo("stop");

        List<JsonNode> events = streamEvents("/v1/completions",
                greedy + ",\"stream\":true,\"stop\":" + JSON.writeValueAsString(stop) + "}");
        StringBuilder streamed = new StringBuilder();
        events.forEach(e -> streamed.append(e.at("/choices/0/text").asText()));
        assertThat(streamed).hasToString(expected);
        assertThat(events.getLast().at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    }

    @Test
    void stream_sendsATokenPerEvent_firstBeforeTheAnswerIsComplete_thenDone() throws Exception {
        String body = chat(",\"max_tokens\":2000,\"ignore_eos\":true,\"stream\":true");
        HttpResponse<InputStream> r = engine.http.send(HttpRequest.newBuilder(engine.uri("/v1/chat/completions"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/event-stream");
        int logsBefore = completionLogs();
        List<String> lines = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            String first = in.readLine();
            // 2,000 tokens take over a second: the engine has not logged this request's end yet
            assertThat(completionLogs()).isEqualTo(logsBefore);
            lines.add(first);
            for (String line; (line = in.readLine()) != null; ) {
                lines.add(line);
            }
        }
        List<String> data = lines.stream().filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).toList();
        assertThat(data.getLast()).isEqualTo("[DONE]");
        assertThat(data).hasSizeGreaterThan(100);
        JsonNode firstChunk = JSON.readTree(data.getFirst());
        assertThat(firstChunk.get("object").asText()).isEqualTo("chat.completion.chunk");
        assertThat(firstChunk.at("/choices/0/delta/role").asText()).isEqualTo("assistant");
        JsonNode finish = JSON.readTree(data.get(data.size() - 2));
        assertThat(finish.at("/choices/0/finish_reason").asText()).isEqualTo("length");
        assertThat(finish.at("/choices/0/delta").isEmpty()).isTrue();
    }

    @Test
    void stream_endsWithAUsageChunk_whenIncludeUsageIsAsked() throws Exception {
        List<JsonNode> events = streamEvents("/v1/chat/completions",
                chat(",\"max_tokens\":6,\"seed\":3,\"stream\":true,\"stream_options\":{\"include_usage\":true}"));
        JsonNode usage = events.getLast();
        assertThat(usage.get("choices")).isEmpty();
        assertThat(usage.at("/usage/completion_tokens").asInt()).isEqualTo(6);
        assertThat(events.getFirst().get("usage").isNull()).isTrue();
        assertThat(events.get(events.size() - 2).at("/choices/0/finish_reason").asText()).isEqualTo("length");
    }

    @Test
    void clientDisconnect_midStream_cancelsTheGeneration() throws Exception {
        String body = chat(",\"max_tokens\":3000,\"ignore_eos\":true,\"stream\":true");
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        // a plain socket, closed with a reset: the connection is gone at once, not whenever an HTTP
        // client gets round to it (3,000 tokens take this engine under a second)
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", engine.port)) {
            socket.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + bytes.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(bytes);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null && !line.startsWith("data: ")) {
                // status line, headers, the first chunk's size
            }
            assertThat(line).startsWith("data: ");
            socket.setSoLinger(true, 0); // drops the connection with a RST
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> engine.output().stream()
                .anyMatch(l -> l.contains("client disconnected after") && l.contains("generation cancelled")));
        // and the engine is free again
        JsonNode next = post("/v1/chat/completions", chat(",\"max_tokens\":5"), 200);
        assertThat(next.at("/usage/completion_tokens").asInt()).isEqualTo(5);
    }

    /**
     * A stream answers 200 at once, as llama-server does, not with its first token: here while another
     * request still holds the model. That one runs to the end of the context (~4,000 tokens); it is
     * dropped once the second head is in, and the engine then cancels it: it was still generating.
     */
    @Test
    void aStreamsHead_arrivesAtOnce_whileAnotherRequestStillGenerates() throws Exception {
        long cancelledBefore = cancelled();
        try (java.net.Socket busy = new java.net.Socket("127.0.0.1", engine.port)) {
            BufferedReader busyIn = rawPost(busy, chat(",\"ignore_eos\":true,\"stream\":true"));
            String line;
            while ((line = busyIn.readLine()) != null && !line.startsWith("data: ")) {
                // status line, headers, the first chunk's size
            }
            assertThat(line).as("the busy request generates").startsWith("data: ");

            try (java.net.Socket queued = new java.net.Socket("127.0.0.1", engine.port)) {
                queued.setSoTimeout(30_000);
                BufferedReader in = rawPost(queued, chat(",\"max_tokens\":4,\"stream\":true"));
                List<String> head = new ArrayList<>();
                while ((line = in.readLine()) != null && !line.isEmpty()) {
                    head.add(line);
                }
                busy.setSoLinger(true, 0); // drops the busy request with a RST
                busy.close();
                assertThat(head.getFirst()).isEqualTo("HTTP/1.1 200 OK");
                assertThat(head).anyMatch(h -> h.equalsIgnoreCase("Content-Type: text/event-stream"));
                await().atMost(Duration.ofSeconds(20)).until(() -> cancelled() > cancelledBefore);

                List<String> events = new ArrayList<>();
                while ((line = in.readLine()) != null && !line.equals("data: [DONE]")) {
                    if (line.startsWith("data: ")) events.add(line);
                }
                assertThat(line).isEqualTo("data: [DONE]");
                assertThat(events).isNotEmpty();
            }
        }
    }

    private static long cancelled() {
        return engine.output().stream().filter(l -> l.contains("generation cancelled")).count();
    }

    /** Sends a POST of {@code body} on {@code socket}; the answer is read from what it returns. */
    private static BufferedReader rawPost(java.net.Socket socket, String body) throws java.io.IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        socket.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + bytes.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().write(bytes);
        return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "malformed JSON       | /v1/chat/completions | {\"messages\": [             | invalid_json    | ",
            "not an object        | /v1/chat/completions | [1,2]                        | invalid_json    | ",
            "messages missing     | /v1/chat/completions | {\"max_tokens\":5}           | missing_field   | messages",
            "messages not array   | /v1/chat/completions | {\"messages\":\"hi\"}        | invalid_type    | messages",
            "bad role             | /v1/chat/completions | {\"messages\":[{\"role\":\"x\",\"content\":\"hi\"}]} | invalid_value | messages[0].role",
            "max_tokens a string  | /v1/chat/completions | `{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":\"5\"}` | invalid_type | max_tokens",
            "n of 2               | /v1/chat/completions | `{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"n\":2}` | unsupported_value | n",
            "temperature too high | /v1/completions      | `{\"prompt\":\"a\",\"temperature\":7}` | invalid_value | temperature",
            "stop a number        | /v1/completions      | `{\"prompt\":\"a\",\"stop\":5}` | invalid_type | stop",
            "prompt missing       | /v1/completions      | {}                           | missing_field   | prompt",
            "token prompt         | /v1/completions      | `{\"prompt\":[1,2,3]}`       | invalid_type    | prompt",
    })
    void badRequests_get400_inTheOpenAiEnvelope(String name, String path, String body, String code, String param)
            throws Exception {
        JsonNode error = post(path, body, 400).get("error");
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.get("code").asText()).isEqualTo(code);
        assertThat(error.get("message").asText()).isNotBlank().doesNotContain("Exception").doesNotContain("\tat ");
        if (param == null) {
            assertThat(error.get("param").isNull()).isTrue();
        } else {
            assertThat(error.get("param").asText()).isEqualTo(param);
        }
    }

    @Test
    void promptLongerThanTheContext_gets400() throws Exception {
        String huge = "{\"prompt\":" + JSON.writeValueAsString("cat ".repeat(5000)) + "}";
        JsonNode error = post("/v1/completions", huge, 400).get("error");
        assertThat(error.get("code").asText()).isEqualTo("context_length_exceeded");
    }

    @Test
    void models_listsTheServedModel_andUnknownRoutesGet404() throws Exception {
        JsonNode models = JSON.readTree(engine.get("/v1/models").body());
        assertThat(models.at("/data/0/id").asText()).isEqualTo("stories");
        HttpResponse<String> missing = engine.get("/v1/nothing");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(missing.body()).at("/error/code").asText()).isEqualTo("not_found");
        assertThat(engine.get("/v1/chat/completions").statusCode()).isEqualTo(405);
    }

    static List<JsonNode> streamEvents(String path, String body) throws Exception {
        HttpResponse<String> r = engine.post(path, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<JsonNode> events = new ArrayList<>();
        List<String> data = r.body().lines().filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).toList();
        assertThat(data.getLast()).isEqualTo("[DONE]");
        for (String d : data.subList(0, data.size() - 1)) {
            events.add(JSON.readTree(d));
        }
        return events;
    }

    static int completionLogs() {
        return (int) engine.output().stream().filter(l -> l.contains("/v1/chat/completions prompt=")).count();
    }
}
