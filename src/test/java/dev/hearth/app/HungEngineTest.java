package dev.hearth.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.scheduler.ModelStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 6 item 2: a remote model whose server answers /health but never answers a chat POST used to
 * wedge its model until Hearth restarted. Every wait now ends: a timeout (504, or an SSE error event
 * mid-stream), the client leaving (queued, waiting for the first byte), or an unload; and each time
 * the upstream call is closed, the lease comes back and the next request is served.
 */
@Timeout(120) // a regression here is a hang: fail it instead
class HungEngineTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration AT_MOST = Duration.ofSeconds(20);
    @TempDir
    Path dir;
    HungEngine engine;
    TestHearth h;

    private void start(HungEngine.Mode mode, String timeouts, String limits) throws Exception {
        engine = new HungEngine(mode);
        h = new TestHearth(dir, "", """
                hung:
                  engine: remote
                  url: %s
                  max_concurrency: 1
                %s
                %s
                """.formatted(engine.url(), timeouts.indent(2).stripTrailing(), limits.indent(2).stripTrailing()));
    }

    @AfterEach
    void stop() throws Exception {
        if (h != null) h.close();
        if (engine != null) engine.close();
    }

    private ModelStatus status() {
        return h.hearth.scheduler().status().getFirst();
    }

    private static void assertFirstByteTimeout(JsonNode error) {
        assertThat(error.get("code").asText()).isEqualTo("engine_timeout");
        assertThat(error.get("message").asText()).contains("'hung'").contains("first_byte_timeout");
    }

    /** The upstream call was closed, the lease came back, and the next request is served. */
    private void assertCallClosedAndServedAgain() {
        await().atMost(AT_MOST).until(() -> engine.closedByCaller.get() == 1);
        await().atMost(AT_MOST).until(() -> status().inFlight() == 0);
        assertServedAgain();
    }

    private void assertServedAgain() {
        engine.mode = HungEngine.Mode.ANSWER;
        HttpResponse<String> r = h.post("/v1/chat/completions", TestHearth.chat("hung", ""));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("fine");
    }

    @Test
    void chat_answers504_closesTheUpstreamCall_andReleasesTheLease_whenTheEngineNeverAnswers() throws Exception {
        start(HungEngine.Mode.HANG, "first_byte_timeout: 300ms", "");

        HttpResponse<String> r = h.post("/v1/chat/completions", TestHearth.chat("hung", ""));

        assertThat(r.statusCode()).isEqualTo(504);
        JsonNode error = JSON.readTree(r.body()).get("error");
        assertFirstByteTimeout(error);
        assertCallClosedAndServedAgain();
    }

    @Test
    void stream_answers504_whenTheFirstByteNeverComes() throws Exception {
        start(HungEngine.Mode.HANG, "first_byte_timeout: 300ms", "");

        HttpResponse<String> r = h.post("/v1/chat/completions", TestHearth.chat("hung", "\"stream\":true"));

        assertThat(r.statusCode()).isEqualTo(504);
        assertThat(r.headers().firstValue("content-type")).contains("application/json");
        assertThat(JSON.readTree(r.body()).at("/error/code").asText()).isEqualTo("engine_timeout");
        await().atMost(AT_MOST).until(() -> engine.closedByCaller.get() == 1);
    }

    @Test
    void stream_whoseEngineSentItsHeadOnly_endsWithAnSseErrorEvent_atTheFirstByteTimeout() throws Exception {
        start(HungEngine.Mode.HEAD, "first_byte_timeout: 300ms", "");

        HttpResponse<String> r = h.post("/v1/chat/completions", TestHearth.chat("hung", "\"stream\":true"));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).contains("text/event-stream");
        JsonNode error = JSON.readTree(r.body().strip().substring("data: ".length())).get("error");
        assertFirstByteTimeout(error);
        assertCallClosedAndServedAgain();
    }

    /**
     * An engine sends a stream's head at once and its first event once it has read the prompt (vLLM
     * and llama-server do): the client has the head as soon as the engine sent it, as it would from
     * the engine itself or through nginx, not only with the first token.
     */
    @Test
    void stream_theClientHasTheHeadAsSoonAsTheEngineSentIt_beforeTheFirstEvent() throws Exception {
        start(HungEngine.Mode.HOLD, "", "");

        CompletableFuture<HttpResponse<java.io.InputStream>> answer =
                CompletableFuture.supplyAsync(() -> h.stream(TestHearth.chat("hung", "\"stream\":true")));
        HttpResponse<java.io.InputStream> r = answer.get(30, java.util.concurrent.TimeUnit.SECONDS); // the event is held

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).contains("text/event-stream");
        engine.release.countDown();
        String body = new String(r.body().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(body).contains("\"content\":\"Once\"");
        assertThat(body.strip()).endsWith("data: [DONE]");
    }

    @Test
    void stream_endsWithAnSseErrorEvent_whenTheEngineStallsMidStream() throws Exception {
        start(HungEngine.Mode.STALL, "chunk_timeout: 300ms", "");

        HttpResponse<String> r = h.post("/v1/chat/completions", TestHearth.chat("hung", "\"stream\":true"));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"content\":\"Once\"");
        String last = r.body().strip().lines().reduce((a, b) -> b).orElseThrow();
        JsonNode error = JSON.readTree(last.substring("data: ".length())).get("error");
        assertThat(error.get("code").asText()).isEqualTo("engine_timeout");
        assertThat(error.get("message").asText()).contains("chunk_timeout");
        assertCallClosedAndServedAgain();
    }

    @Test
    void stream_endsForTheClientAtItsDone_whileTheEngineLingers_whichIsCutOffAfterAGrace() throws Exception {
        start(HungEngine.Mode.LINGER, "chunk_timeout: 10m", ""); // waiting for the engine's end would outlast the test

        HttpResponse<String> r = h.post("/v1/chat/completions", TestHearth.chat("hung", "\"stream\":true"));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"content\":\"Once\"");
        assertThat(r.body().strip()).endsWith("data: [DONE]");
        assertCallClosedAndServedAgain();
    }

    @Test
    void clientThatLeaves_whileWaitingForTheFirstByte_closesTheUpstreamCall_andFreesTheLease() throws Exception {
        start(HungEngine.Mode.HANG, "", "");
        try (Socket client = rawPost(TestHearth.chat("hung", ""))) {
            await().atMost(AT_MOST).until(() -> engine.calls.get() == 1);
            assertThat(status().inFlight()).isEqualTo(1);
        } // the client gives up

        assertCallClosedAndServedAgain();
    }

    @Test
    void clientThatLeaves_whileQueued_givesUpItsQueuePlace() throws Exception {
        start(HungEngine.Mode.HANG, "", "max_queue: 1");
        CompletableFuture<HttpResponse<String>> holder = CompletableFuture.supplyAsync(
                () -> h.post("/v1/chat/completions", TestHearth.chat("hung", "")));
        await().atMost(AT_MOST).until(() -> engine.calls.get() == 1);
        try (Socket queued = rawPost(TestHearth.chat("hung", ""))) {
            await().atMost(AT_MOST).until(() -> status().queued() == 1);
        } // the queued client gives up

        await().atMost(AT_MOST).until(() -> status().queued() == 0);
        try (Socket next = rawPost(TestHearth.chat("hung", ""))) {
            await().atMost(AT_MOST).until(() -> status().queued() == 1); // its place was free: not a 429
        }
        h.post("/api/models/hung/unload", "");
        assertThat(holder.get().statusCode()).isEqualTo(503);
    }

    @Test
    void unload_endsTheCallsInFlight_andReturns_whenTheEngineHangs() throws Exception {
        start(HungEngine.Mode.HANG, "", "");
        CompletableFuture<HttpResponse<String>> hanging = CompletableFuture.supplyAsync(
                () -> h.post("/v1/chat/completions", TestHearth.chat("hung", "")));
        await().atMost(AT_MOST).until(() -> engine.calls.get() == 1);

        HttpResponse<String> unload = h.send(HttpRequest.newBuilder(h.uri("/api/models/hung/unload"))
                .timeout(AT_MOST).POST(HttpRequest.BodyPublishers.noBody()).build());

        assertThat(unload.statusCode()).as(unload.body()).isEqualTo(200);
        HttpResponse<String> r = hanging.get();
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(r.body()).at("/error/code").asText()).isEqualTo("model_unloaded");
        await().atMost(AT_MOST).until(() -> engine.closedByCaller.get() == 1);
        assertServedAgain();
    }

    @Test
    void stream_endsWithAnSseErrorEvent_whenTheModelIsUnloadedMidStream() throws Exception {
        start(HungEngine.Mode.STALL, "", "");
        HttpResponse<java.io.InputStream> r = h.stream(TestHearth.chat("hung", "\"stream\":true"));
        assertThat(r.statusCode()).isEqualTo(200);

        assertThat(h.post("/api/models/hung/unload", "").statusCode()).isEqualTo(200);

        String body = new String(r.body().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(body).contains("\"content\":\"Once\"").contains("\"code\":\"model_unloaded\"");
        await().atMost(AT_MOST).until(() -> engine.closedByCaller.get() == 1);
    }

    /** A chat POST on a plain socket that the test can close while Hearth still works on it. */
    private Socket rawPost(String body) throws Exception {
        Socket s = new Socket("127.0.0.1", h.hearth.port());
        RawHttp.postChat(s, body);
        return s;
    }
}
