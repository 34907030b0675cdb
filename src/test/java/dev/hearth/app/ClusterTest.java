package dev.hearth.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.TestModels;
import dev.hearth.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three Hearth processes on 127.0.0.1 — their own ports and data dirs, one PostgreSQL (a fresh
 * schema), one shared blob directory — as one system: jobs run where their model is loaded and
 * download from any node, a job survives kill -9 of the node running it, a chat request is served
 * by the node that has the model loaded, an SSE client on one node follows a job on another, and a
 * restarted node rejoins. Skipped locally without HEARTH_TEST_PG_URL, failed in CI.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterTest {
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    static Path dir;
    static String schema;
    static Path blobs;
    static final HearthProcess[] node = new HearthProcess[3];
    static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void threeNodes() throws Exception {
        TestPostgres.url("cluster test");
        schema = TestPostgres.createSchema("cluster");
        blobs = Files.createDirectories(dir.resolve("blobs"));
        for (int i = 0; i < 3; i++) node[i] = start(i);
        // each sees the other two
        for (HearthProcess n : node) {
            await().atMost(WAIT).until(() -> alive(n).size() == 3);
        }
    }

    private static HearthProcess start(int i) throws Exception {
        String name = "node-" + (char) ('a' + i);
        String db = TestPostgres.withSchema(schema);
        Path config = dir.resolve(name + ".yaml");
        Files.writeString(config, """
                server:
                  listen: 127.0.0.1:0
                  data_dir: %s
                  database: "%s"
                  node_id: %s
                  blob_dir: %s
                  job_lease: 3s
                  gguf_engine: llamacpp
                models:
                  testsrc:
                    engine: testsrc
                    defaults: { size: 160x96, fps: 8, seconds: 1 }
                    max_attempts: 3
                  stories:
                    engine: llamacpp
                    path: %s
                %s""".formatted(dir.resolve("data-" + name), db, name, blobs, TestModels.stories260K(),
                i != 2 ? "" : """
                  only-on-c:
                    engine: llamacpp
                    path: %s
                  video-on-c:
                    engine: testsrc
                    defaults: { size: 160x96, fps: 8, seconds: 1 }
                """.formatted(TestModels.stories260K())));
        return new HearthProcess(config, dir.resolve(name + ".log"));
    }

    @AfterAll
    static void stop() throws Exception {
        for (HearthProcess n : node) if (n != null) n.close();
        TestPostgres.dropSchema(schema);
    }

    static HttpResponse<String> send(URI base, String method, String path, String body) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60));
            b = body == null ? b.method(method, HttpRequest.BodyPublishers.noBody())
                    : b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(method + " " + path + ": " + e, e);
        }
    }

    static JsonNode json(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        try {
            return Jobs.JSON.readTree(r.body());
        } catch (Exception e) {
            throw new IllegalStateException(r.body(), e);
        }
    }

    /** The nodes {@code n} sees alive. */
    static List<JsonNode> alive(HearthProcess n) {
        List<JsonNode> out = new ArrayList<>();
        json(send(n.base, "GET", "/api/nodes", null)).path("data").forEach(x -> {
            if (x.path("state").asText().equals("alive")) out.add(x);
        });
        return out;
    }

    /** Whether {@code n} sees {@code model} loaded on node {@code id}. */
    static boolean seesLoaded(HearthProcess n, String id, String model) {
        return alive(n).stream().anyMatch(x -> x.path("id").asText().equals(id)
                && x.path("loaded").toString().contains("\"" + model + "\""));
    }

    static void load(HearthProcess n, String id, String model) {
        assertThat(send(n.base, "POST", "/api/models/" + model + "/load", null).statusCode()).isEqualTo(200);
        for (HearthProcess other : node) {
            if (other != null && other.process.isAlive()) await().atMost(WAIT).until(() -> seesLoaded(other, id, model));
        }
    }

    @Test
    @Order(1)
    void aJobSubmittedToA_runsOnB_whereItsModelIsLoaded_isFollowedFromC_andDownloadsFromC() throws Exception {
        load(node[1], "node-b", "testsrc");
        Jobs a = new Jobs(node[0].base);
        String id = a.submit("{\"model\":\"testsrc\",\"prompt\":\"three nodes\",\"params\":{\"hold\":true}}")
                .path("id").asText();
        JsonNode running = a.await(id, WAIT, j -> j.path("state").asText().equals("running"));
        assertThat(running.path("node").asText()).startsWith("node-b-");

        // an SSE client on C, following the job that runs on B
        List<String> seen = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> followed = CompletableFuture.runAsync(() -> follow(node[2].base, id, seen));
        await().atMost(WAIT).until(() -> !seen.isEmpty());
        Jobs.release(blobs, id);
        followed.get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        assertThat(seen.getLast()).isEqualTo("succeeded");

        // the output, written on B into the shared blob dir, downloads from C
        HttpResponse<byte[]> video = http.send(HttpRequest.newBuilder(node[2].base.resolve("/v1/jobs/" + id
                + "/outputs/video.mp4")).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(video.statusCode()).isEqualTo(200);
        DialectSupport.assertMp4(video.body(), dir, 160, 96);
        // A and C never loaded testsrc for it
        for (HearthProcess n : List.of(node[0], node[2])) {
            assertThat(json(send(n.base, "GET", "/api/models/testsrc", null)).path("state").asText())
                    .isIn("unloaded", "UNLOADED");
        }
    }

    /** The job's states as C's SSE stream sends them, until a final one. */
    private static void follow(URI base, String id, List<String> seen) {
        try {
            HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(base.resolve("/v1/jobs/" + id + "/events"))
                    .GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            try (var in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                for (String l; (l = in.readLine()) != null; ) {
                    if (!l.startsWith("data:")) continue;
                    String state = Jobs.JSON.readTree(l.substring(5)).path("state").asText();
                    seen.add(state);
                    if (state.equals("succeeded") || state.equals("failed") || state.equals("cancelled")) return;
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    @Order(2)
    void aChatRequestToA_isServedByBsLoadedModel_andStreamsUnchanged() throws Exception {
        // /api/events on A hears B's model events, naming B
        List<String> heard = new CopyOnWriteArrayList<>();
        HttpResponse<InputStream> events = http.send(HttpRequest.newBuilder(node[0].base.resolve("/api/events")).GET()
                .build(), HttpResponse.BodyHandlers.ofInputStream());
        Thread reader = Thread.ofVirtual().start(() -> {
            try (var in = new BufferedReader(new InputStreamReader(events.body(), StandardCharsets.UTF_8))) {
                for (String l; (l = in.readLine()) != null; ) if (l.startsWith("data:")) heard.add(l);
            } catch (Exception closed) {
                // the test closed the stream
            }
        });
        load(node[1], "node-b", "stories");
        await().atMost(WAIT).until(() -> heard.stream().anyMatch(l -> l.contains("\"node\":\"node-b\"")
                && l.contains("\"model\":\"stories\"") && l.contains("\"type\":\"ready\"")));
        events.body().close();
        reader.join(Duration.ofSeconds(10));
        String chat = "{\"model\":\"stories\",\"messages\":[{\"role\":\"user\",\"content\":\"Once upon a time\"}],"
                + "\"max_tokens\":16,\"temperature\":0,\"stream\":true}";
        String viaA = send(node[0].base, "POST", "/v1/chat/completions", chat).body();
        String fromB = send(node[1].base, "POST", "/v1/chat/completions", chat).body();
        assertThat(content(viaA)).isNotEmpty().isEqualTo(content(fromB));
        assertThat(viaA.strip()).endsWith("data: [DONE]");
        String whole = send(node[0].base, "POST", "/v1/chat/completions", chat.replace("\"stream\":true", "\"stream\":false"))
                .body();
        assertThat(whole).contains("\"choices\"");
        // A never loaded the model: B served both
        assertThat(json(send(node[0].base, "GET", "/api/models/stories", null)).path("state").asText()).isEqualTo("unloaded");
    }

    /** The streamed text: every delta's content, in order. */
    static String content(String sse) {
        StringBuilder out = new StringBuilder();
        for (String l : sse.split("\n")) {
            if (!l.startsWith("data: {")) continue;
            try {
                out.append(Jobs.JSON.readTree(l.substring(6)).path("choices").path(0).path("delta").path("content").asText(""));
            } catch (Exception e) {
                throw new IllegalStateException(l, e);
            }
        }
        return out.toString();
    }

    @Test
    @Order(3)
    void aRequestToA_forAModelOnlyCServes_isServedByC() {
        String chat = "{\"model\":\"only-on-c\",\"messages\":[{\"role\":\"user\",\"content\":\"Once\"}],"
                + "\"max_tokens\":4}";
        HttpResponse<String> r = send(node[0].base, "POST", "/v1/chat/completions", chat);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(json(r).path("choices").path(0).path("message").has("content")).isTrue();
        // a node that serves no such model and has no peer that does still answers 404
        assertThat(send(node[0].base, "POST", "/v1/chat/completions", chat.replace("only-on-c", "nowhere"))
                .statusCode()).isEqualTo(404);

        // a job too: submitted on C, where its model is, and followed from A
        Jobs a = new Jobs(node[0].base);
        String id = a.submit("{\"model\":\"video-on-c\",\"prompt\":\"only on c\"}").path("id").asText();
        assertThat(a.awaitState(id, "succeeded", WAIT).path("outputs").findValuesAsText("name")).contains("video.mp4");
    }

    @Test
    @Order(4)
    void killNineOfTheNodeRunningAJob_anotherNodeFinishesIt_once_andTheRestartedNodeRejoins() throws Exception {
        Jobs a = new Jobs(node[0].base);
        String id = a.submit("{\"model\":\"testsrc\",\"prompt\":\"survives\",\"params\":{\"hold\":true}}")
                .path("id").asText();
        assertThat(a.await(id, WAIT, j -> j.path("state").asText().equals("running")).path("node").asText())
                .startsWith("node-b-");
        node[1].kill9();

        // B's lease runs out; A or C requeues the job, loads testsrc and runs it again
        JsonNode again = a.await(id, WAIT, j -> j.path("state").asText().equals("running")
                && !j.path("node").asText().startsWith("node-b-"));
        assertThat(again.path("attempts").asInt()).isEqualTo(1);
        Jobs.release(blobs, id);
        JsonNode done = a.awaitState(id, "succeeded", WAIT);
        assertThat(done.path("outputs").findValuesAsText("name")).containsOnlyOnce("video.mp4");
        HttpResponse<byte[]> video = http.send(HttpRequest.newBuilder(node[2].base.resolve("/v1/jobs/" + id
                + "/outputs/video.mp4")).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        DialectSupport.assertMp4(video.body(), dir, 160, 96);

        // the others see B dead; restarted with its config, it rejoins as itself
        await().atMost(WAIT).until(() -> alive(node[0]).stream().noneMatch(x -> x.path("id").asText().equals("node-b")));
        node[1] = start(1);
        await().atMost(WAIT).until(() -> alive(node[0]).stream().anyMatch(x -> x.path("id").asText().equals("node-b")));
        assertThat(alive(node[1])).hasSize(3);
    }

    @Test
    @Order(5)
    void aResponsesConversation_isRoutedToTheNodeWithTheModel_andContinuesOnAnotherNode() {
        load(node[2], "node-c", "stories");
        String first = "{\"model\":\"stories\",\"input\":\"Once upon a time\",\"max_output_tokens\":12,"
                + "\"temperature\":0}";
        // A has stories but not loaded: C, where it is, answers
        JsonNode one = json(send(node[0].base, "POST", "/v1/responses", first));
        assertThat(one.path("status").asText()).isIn("completed", "incomplete"); // incomplete: max_output_tokens
        assertThat(json(send(node[0].base, "GET", "/api/models/stories", null)).path("state").asText()).isEqualTo("unloaded");

        // the model moves to A; the conversation, kept by C, continues there through the shared database
        assertThat(send(node[2].base, "POST", "/api/models/stories/unload", null).statusCode()).isEqualTo(200);
        load(node[0], "node-a", "stories");
        String next = "{\"model\":\"stories\",\"input\":\"And then\",\"max_output_tokens\":12,\"temperature\":0,"
                + "\"previous_response_id\":\"" + one.path("id").asText() + "\"}";
        HttpResponse<String> two = send(node[0].base, "POST", "/v1/responses", next);
        assertThat(two.statusCode()).as(two.body()).isEqualTo(200);
        assertThat(json(two).path("status").asText()).isIn("completed", "incomplete");
        // an id no node kept is still a 400 naming it
        HttpResponse<String> unknown = send(node[1].base, "POST", "/v1/responses", next.replace(one.path("id").asText(),
                "resp_never"));
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("previous_response_id");
    }
}
