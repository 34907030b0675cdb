package dev.hearth.app;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import static dev.hearth.app.DialectSupport.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The web UI's routes over plain HTTP, with keys on: its files open to anyone with ETag and gzip,
 * nothing else of the class path reachable, the key cookie good for a job's output files only, and
 * the model fields the studio's form reads.
 */
class WebUiRoutesTest {
    static final String ADMIN = "sk-admin-routes-0001";

    @TempDir
    static Path dir;
    static TestHearth h;

    @BeforeAll
    static void start() throws Exception {
        Path keys = Files.writeString(dir.resolve("keys"), ADMIN + "\n");
        h = new TestHearth(dir, "api_keys_file: " + keys + "\nprompt_enhancer: writer", """
                writer:
                  engine: remote
                  url: http://127.0.0.1:9
                testsrc:
                  engine: testsrc
                  defaults: { size: 160x96, fps: 8, seconds: 1 }
                  limits: { max_steps: 50, size_multiple: 16 }
                """);
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    static HttpResponse<byte[]> get(String path, Map<String, String> headers) {
        return DialectSupport.bytes(h, path, headers);
    }

    @Test
    void page_scripts_andWebJars_areServedWithoutAKey() {
        HttpResponse<byte[]> page = get("/", Map.of());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(new String(page.body(), StandardCharsets.UTF_8)).contains("importmap").contains("/ui/app.js");
        // scripts from here only, the import map by its hash: no inline script, no eval, nowhere else
        String policy = page.headers().firstValue("Content-Security-Policy").orElseThrow();
        String scripts = policy.substring(policy.indexOf("script-src"), policy.indexOf(';', policy.indexOf("script-src")));
        assertThat(scripts).startsWith("script-src 'self' 'sha256-").doesNotContain("unsafe");
        assertThat(policy).contains("connect-src 'self'").contains("object-src 'none'");
        for (String path : List.of("/ui/app.js", "/ui/style.css", "/webjars/lit/index.js", "/webjars/lit-html/lit-html.js",
                "/webjars/lit-element/lit-element.js", "/webjars/lit__reactive-element/reactive-element.js",
                "/webjars/marked/lib/marked.esm.js", "/webjars/uplot/dist/uPlot.iife.min.js")) {
            HttpResponse<byte[]> r = get(path, Map.of());
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            assertThat(r.headers().firstValue("Cache-Control")).as(path).hasValue("no-cache");
        }
        assertThat(get("/ui/app.js", Map.of()).headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
    }

    @Test
    void aFile_isNotModified_forItsETag_andGzipped_whenTheClientTakesGzip() throws Exception {
        HttpResponse<byte[]> plain = get("/ui/app.js", Map.of());
        String etag = plain.headers().firstValue("ETag").orElseThrow();
        assertThat(get("/ui/app.js", Map.of("If-None-Match", etag)).statusCode()).isEqualTo(304);

        HttpResponse<byte[]> zipped = get("/ui/app.js", Map.of("Accept-Encoding", "gzip"));
        assertThat(zipped.headers().firstValue("Content-Encoding")).hasValue("gzip");
        assertThat(zipped.body().length).isLessThan(plain.body().length);
        try (var in = new GZIPInputStream(new ByteArrayInputStream(zipped.body()))) {
            assertThat(in.readAllBytes()).isEqualTo(plain.body());
        }
    }

    @Test
    void nothingElseOfTheClassPath_isReachable() {
        for (String path : List.of("/ui/nothing.js", "/ui/.hidden", "/ui/..%2Fapi%2Fdocs%2Fopenapi.yaml",
                "/webjars/nothing/index.js", "/webjars/lit", "/webjars/lit/", "/ui/")) {
            HttpResponse<byte[]> r = get(path, Map.of());
            assertThat(r.statusCode()).as(path).isIn(401, 404);
            assertThat(new String(r.body(), StandardCharsets.UTF_8)).as(path).contains("\"error\"");
        }
    }

    @Test
    void theKeyCookie_opensAJobsOutputFiles_andNothingElse() {
        HttpResponse<String> made = h.send(HttpRequest.newBuilder(h.uri("/v1/jobs")).header("Authorization", "Bearer " + ADMIN)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"testsrc\",\"prompt\":\"cookie\"}")).build());
        String id = json(made).path("id").asText();
        await().atMost(Duration.ofSeconds(60)).until(() -> json(h.send(HttpRequest.newBuilder(h.uri("/v1/jobs/" + id))
                .header("Authorization", "Bearer " + ADMIN).build())).path("state").asText(), "succeeded"::equals);
        Map<String, String> cookie = Map.of("Cookie", "hearth_key=" + ADMIN);

        assertThat(get("/v1/jobs/" + id + "/outputs/video.mp4", cookie).statusCode()).isEqualTo(200);
        assertThat(get("/v1/jobs/" + id + "/outputs/video.mp4", Map.of("Cookie", "hearth_key=sk-wrong")).statusCode()).isEqualTo(401);
        assertThat(get("/v1/jobs/" + id + "/outputs/video.mp4", Map.of()).statusCode()).isEqualTo(401);
        // any other read, and every mutation, needs the header
        for (String path : List.of("/v1/jobs/" + id, "/v1/jobs", "/api/me", "/api/models", "/v1/jobs/" + id + "/events")) {
            assertThat(get(path, cookie).statusCode()).as(path).isEqualTo(401);
        }
        HttpRequest.Builder delete = HttpRequest.newBuilder(h.uri("/v1/videos/" + id)).header("Cookie", "hearth_key=" + ADMIN).DELETE();
        assertThat(h.send(delete.build()).statusCode()).isEqualTo(401);
        HttpRequest.Builder post = HttpRequest.newBuilder(h.uri("/v1/jobs")).header("Cookie", "hearth_key=" + ADMIN)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"testsrc\",\"prompt\":\"x\"}"));
        assertThat(h.send(post.build()).statusCode()).isEqualTo(401);
    }

    @Test
    void apiModels_showsAJobModelsDefaults_limits_andPromptEnhancer() {
        JsonNode models = json(h.send(HttpRequest.newBuilder(h.uri("/api/models")).header("Authorization", "Bearer " + ADMIN).build()));
        JsonNode testsrc = null;
        JsonNode writer = null;
        for (JsonNode m : models) {
            if (m.path("name").asText().equals("testsrc")) testsrc = m;
            if (m.path("name").asText().equals("writer")) writer = m;
        }
        assertThat(testsrc).isNotNull();
        assertThat(testsrc.path("defaults").path("size").asText()).isEqualTo("160x96");
        assertThat(testsrc.path("defaults").path("fps").asInt()).isEqualTo(8);
        assertThat(testsrc.path("limits").path("max_steps").asInt()).isEqualTo(50);
        assertThat(testsrc.path("limits").path("size_multiple").asInt()).isEqualTo(16);
        assertThat(testsrc.path("prompt_enhancer").asText()).isEqualTo("writer");
        assertThat(writer.path("prompt_enhancer").isNull()).isTrue();
        assertThat(writer.path("limits").isEmpty()).isTrue();
    }
}
