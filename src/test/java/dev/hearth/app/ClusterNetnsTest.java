package dev.hearth.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.TestModels;
import dev.hearth.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.abort;

/**
 * Two Hearth nodes in separate network namespaces, so they share no loopback and reach each other
 * only by their addresses on a bridge, as two machines would (PostgreSQL through a relay on the
 * bridge): a job submitted to A runs on B where its model is loaded and downloads from A, and a chat
 * request to A is served by B's loaded model, streamed unchanged. Needs root and iproute2: CI
 * (HEARTH_TEST_NETNS=required) fails without them; elsewhere the test is skipped saying why.
 */
class ClusterNetnsTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    /** Off loopback Hearth requires API keys; every node has the same file, so a forwarded request keeps its key. */
    private static final String KEY = "sk-netns-test-key";
    private static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newBuilder()
            .version(java.net.http.HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    static Path dir;
    static Netns net;
    static String schema;
    static HearthProcess a;
    static HearthProcess b;

    @BeforeAll
    static void twoNodesInTheirOwnNamespaces() throws Exception {
        String pg = TestPostgres.url("namespace cluster test");
        try {
            net = Netns.create(2);
        } catch (RuntimeException e) {
            String why = "network namespaces are not available here (root and iproute2 are needed): " + e.getMessage();
            if ("required".equals(System.getenv("HEARTH_TEST_NETNS"))) fail("HEARTH_TEST_NETNS=required but " + why);
            abort(why);
        }
        schema = TestPostgres.createSchema("netns");
        // the nodes cannot reach this namespace's loopback, where the test PostgreSQL listens: a relay on the bridge
        URI u = URI.create(pg.substring("jdbc:".length()));
        int relay = net.relay(u.getHost(), u.getPort());
        String db = "jdbc:postgresql://" + net.host() + ":" + relay + u.getPath() + "?" + u.getQuery()
                + "&currentSchema=" + schema;
        Path blobs = Files.createDirectories(dir.resolve("blobs"));
        Files.writeString(dir.resolve("keys"), KEY + "\n");
        a = start(0, db, blobs);
        b = start(1, db, blobs);
        for (HearthProcess n : new HearthProcess[] {a, b}) await().atMost(WAIT).until(() -> alive(n).size() == 2);
    }

    private static HearthProcess start(int i, String db, Path blobs) throws Exception {
        String name = "node-" + (char) ('a' + i);
        Path config = dir.resolve(name + ".yaml");
        Files.writeString(config, """
                server:
                  listen: %s:0
                  data_dir: %s
                  database: "%s"
                  node_id: %s
                  blob_dir: %s
                  api_keys_file: %s
                  gguf_engine: llamacpp
                models:
                  testsrc:
                    engine: testsrc
                    defaults: { size: 160x96, fps: 8, seconds: 1 }
                  stories:
                    engine: llamacpp
                    path: %s
                """.formatted(net.address(i), dir.resolve("data-" + name), db, name, blobs, dir.resolve("keys"),
                TestModels.stories260K()));
        return new HearthProcess(net.exec(i), config, dir.resolve(name + ".log"), Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        for (HearthProcess n : new HearthProcess[] {a, b}) if (n != null) n.close();
        TestPostgres.dropSchema(schema);
        if (net != null) net.close();
    }

    /** A request with the key, as a client elsewhere on the network sends it. */
    private static <T> HttpResponse<T> call(URI base, String method, String path, String body,
                                            HttpResponse.BodyHandler<T> as) {
        try {
            HttpRequest.Builder r = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60))
                    .header("Authorization", "Bearer " + KEY);
            r = body == null ? r.method(method, HttpRequest.BodyPublishers.noBody())
                    : r.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
            return HTTP.send(r.build(), as);
        } catch (Exception e) {
            throw new IllegalStateException(method + " " + path + ": " + e, e);
        }
    }

    private static String text(URI base, String method, String path, String body) {
        HttpResponse<String> r = call(base, method, path, body, HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("%s %s: %s", method, path, r.body()).isEqualTo(200);
        return r.body();
    }

    private static JsonNode json(URI base, String method, String path, String body) {
        return Jobs.json(text(base, method, path, body));
    }

    private static java.util.List<JsonNode> alive(HearthProcess n) {
        java.util.List<JsonNode> out = new java.util.ArrayList<>();
        json(n.base, "GET", "/api/nodes", null).path("data").forEach(x -> {
            if (x.path("state").asText().equals("alive")) out.add(x);
        });
        return out;
    }

    private static void load(HearthProcess on, String id, String model) {
        json(on.base, "POST", "/api/models/" + model + "/load", null);
        for (HearthProcess n : new HearthProcess[] {a, b}) {
            await().atMost(WAIT).until(() -> alive(n).stream().anyMatch(x -> x.path("id").asText().equals(id)
                    && x.path("loaded").toString().contains("\"" + model + "\"")));
        }
    }

    @Test
    void eachNodeIsKnownByItsOwnAddress_aJobGivenToA_runsOnB_andDownloadsFromA() throws Exception {
        assertThat(a.base.getHost()).isEqualTo(net.address(0));
        assertThat(alive(a)).extracting(n -> n.path("url").asText())
                .containsExactlyInAnyOrder(a.base.toString().replaceAll("/$", ""), b.base.toString().replaceAll("/$", ""));
        load(b, "node-b", "testsrc");
        String id = json(a.base, "POST", "/v1/jobs", "{\"model\":\"testsrc\",\"prompt\":\"two namespaces\"}")
                .path("id").asText();
        JsonNode done = await().atMost(WAIT).pollInterval(Duration.ofMillis(100))
                .until(() -> json(a.base, "GET", "/v1/jobs/" + id, null), Jobs::terminal);
        assertThat(done.path("state").asText()).as("%s", done).isEqualTo("succeeded");
        assertThat(json(a.base, "GET", "/api/models/testsrc", null).path("state").asText()).isIn("unloaded", "UNLOADED");
        HttpResponse<byte[]> video = call(a.base, "GET", "/v1/jobs/" + id + "/outputs/video.mp4", null,
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(video.statusCode()).isEqualTo(200);
        DialectSupport.assertMp4(video.body(), dir, 160, 96);
    }

    @Test
    void aChatRequestToA_isServedByBsLoadedModel_acrossTheBridge_andStreamsUnchanged() {
        load(b, "node-b", "stories");
        String chat = "{\"model\":\"stories\",\"messages\":[{\"role\":\"user\",\"content\":\"Once upon a time\"}],"
                + "\"max_tokens\":16,\"temperature\":0,\"stream\":true}";
        String viaA = text(a.base, "POST", "/v1/chat/completions", chat);
        String fromB = text(b.base, "POST", "/v1/chat/completions", chat);
        assertThat(ClusterTest.content(viaA)).isNotEmpty().isEqualTo(ClusterTest.content(fromB));
        assertThat(viaA.strip()).endsWith("data: [DONE]");
        assertThat(json(a.base, "GET", "/api/models/stories", null).path("state").asText()).isEqualTo("unloaded");
    }
}
