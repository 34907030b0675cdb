package dev.hearth.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.TestModels;
import dev.hearth.scheduler.ModelEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** Hearth serving the real stories260K model through its llamacpp engine in a child JVM. */
class LlamaCppThroughHearthTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    static TestHearth h;
    static final List<ModelEvent> events = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        h = new TestHearth(dir, "", """
                stories:
                  engine: llamacpp
                  path: %s
                  aliases: [tiny]
                  max_concurrency: 4
                  max_queue: 100
                """.formatted(TestModels.stories260K()));
        h.hearth.scheduler().addListener(events::add);
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    @Test
    void twentySimultaneousFirstRequests_startTheEngineOnce_andAllSucceed() throws Exception {
        h.hearth.scheduler().unload("stories").join();
        events.clear();
        CountDownLatch go = new CountDownLatch(1);
        List<Future<HttpResponse<String>>> answers = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 20; i++) {
                answers.add(pool.submit(() -> {
                    go.await();
                    return h.post("/v1/chat/completions", TestHearth.chat("stories", "\"max_tokens\":8"));
                }));
            }
            go.countDown();
        }
        for (Future<HttpResponse<String>> a : answers) {
            assertThat(a.get().statusCode()).as(a.get().body()).isEqualTo(200);
        }
        assertThat(events).filteredOn(e -> e.type() == ModelEvent.Type.LOADING).hasSize(1);
    }

    @Test
    void chat_returnsTextUsageAndFinishReason() throws Exception {
        HttpResponse<String> r = h.post("/v1/chat/completions", TestHearth.chat("stories", "\"max_tokens\":5,\"seed\":7"));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.at("/object").asText()).isEqualTo("chat.completion");
        assertThat(body.at("/model").asText()).isEqualTo("stories");
        assertThat(body.at("/choices/0/message/content").asText()).isNotBlank();
        assertThat(body.at("/choices/0/finish_reason").asText()).isEqualTo("length");
        assertThat(body.at("/usage/completion_tokens").asInt()).isEqualTo(5);
    }

    @Test
    void pathModel_winsOverBodyModel_andAliasesResolve() throws Exception {
        HttpResponse<String> r = h.post("/v1/tiny/chat/completions", TestHearth.chat("gpt-4o", "\"max_tokens\":3"));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).at("/model").asText()).isEqualTo("stories");
        assertThat(JSON.readTree(h.get("/v1/tiny/models").body()).at("/data/0/id").asText()).isEqualTo("stories");
    }

    @Test
    void completions_work() throws Exception {
        HttpResponse<String> r = h.post("/v1/completions",
                "{\"model\":\"stories\",\"prompt\":\"Once upon a time\",\"max_tokens\":6}");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).at("/choices/0/text").asText()).isNotEmpty();
    }

    @Test
    void streaming_arrivesAsSeveralEvents_endingWithDone() throws Exception {
        HttpResponse<InputStream> r = h.stream(TestHearth.chat("stories", "\"stream\":true,\"max_tokens\":20"));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        List<String> data = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith("data: ")) {
                    data.add(line.substring(6));
                }
            }
        }
        assertThat(data.size()).isGreaterThan(5);
        assertThat(data.getLast()).isEqualTo("[DONE]");
        assertThat(JSON.readTree(data.getFirst()).at("/object").asText()).isEqualTo("chat.completion.chunk");
    }

    /**
     * A client that keeps its connection (as SDKs do) gets stream after stream on it, each a whole
     * chunked answer ending in [DONE] and the terminator; one that says {@code Connection: close} is
     * told so, and the connection ends after its answer.
     */
    @Test
    void streamsOnOneKeptConnection_eachEndWhole_andConnectionCloseEndsIt() throws Exception {
        String body = TestHearth.chat("stories", "\"stream\":true,\"max_tokens\":6");
        String req = "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n%s"
                + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
        try (Socket s = new Socket("127.0.0.1", h.hearth.port())) {
            s.setSoTimeout(30_000);
            DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
            for (String conn : new String[] {"", "", "Connection: close\r\n"}) {
                s.getOutputStream().write(req.formatted(conn).getBytes(StandardCharsets.UTF_8));
                String head = RawHttp.head(in);
                assertThat(head).startsWith("HTTP/1.1 200 ").containsIgnoringCase("transfer-encoding: chunked")
                        .containsIgnoringCase(conn.isEmpty() ? "connection: keep-alive" : "connection: close");
                String events = RawHttp.chunks(in);
                assertThat(events).startsWith("data: {").endsWith("data: [DONE]\n\n");
            }
            assertThat(in.read()).as("the connection ended after the answer it was closing with").isEqualTo(-1);
        }
    }

    @Test
    void modelsList_showsStateAndTask() throws Exception {
        h.post("/v1/chat/completions", TestHearth.chat("stories", "\"max_tokens\":1"));
        JsonNode models = JSON.readTree(h.get("/v1/models").body());

        assertThat(models.at("/object").asText()).isEqualTo("list");
        assertThat(models.at("/data/0/id").asText()).isEqualTo("stories");
        assertThat(models.at("/data/0/task").asText()).isEqualTo("chat");
        assertThat(models.at("/data/0/state").asText()).isIn("ready", "busy");
    }

    @Test
    void unload_reportsFreedMemory_andLogsShowTheEngine() throws Exception {
        h.post("/v1/chat/completions", TestHearth.chat("stories", "\"max_tokens\":1"));
        JsonNode logs = JSON.readTree(h.get("/api/models/stories/logs?lines=50").body());
        assertThat(logs.at("/lines").size()).isGreaterThan(0);

        HttpResponse<String> r = h.post("/api/models/stories/unload", "");

        JsonNode body = JSON.readTree(r.body());
        assertThat(body.at("/status").asText()).isEqualTo("unloaded");
        assertThat(body.at("/model").asText()).isEqualTo("stories");
        assertThat(body.at("/memory_freed_bytes").asLong()).isPositive();
        assertThat(JSON.readTree(h.get("/api/models/stories").body()).at("/state").asText()).isEqualTo("unloaded");
    }

    @Test
    void info_reportsBudgetUsedAndModels() throws Exception {
        JsonNode info = JSON.readTree(h.get("/info").body());

        assertThat(info.at("/memory/budget_bytes").asLong()).isPositive();
        assertThat(info.at("/models/0/name").asText()).isEqualTo("stories");
        assertThat(info.has("gpus")).isTrue();
    }
}
