package dev.hearth.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.catalog.Catalog;
import dev.hearth.catalog.ConfigLoader;
import dev.hearth.gateway.Errors;
import dev.hearth.api.videosdgx.VideosDgxRoutes;
import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static dev.hearth.app.DialectSupport.assertError;
import static dev.hearth.app.DialectSupport.assertMp4;
import static dev.hearth.app.DialectSupport.awaitField;
import static dev.hearth.app.DialectSupport.bytes;
import static dev.hearth.app.DialectSupport.json;
import static org.assertj.core.api.Assertions.assertThat;

/** VideosDGX's per-model API through a real Hearth, its job core and the real testsrc worker. */
class VideosDgxApiTest {
    @TempDir
    static Path dir;
    static TestHearth h;

    @BeforeAll
    static void start() {
        h = new TestHearth(dir, "", DialectSupport.TESTSRC + """
                embed:
                  engine: onnx-embeddings
                """);
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    @Test
    void job_goesFromGenerateToDownload_withVideosDgxFieldsAndStates() throws Exception {
        String m = "/models/testsrc";
        assertThat(json(h.get(m + "/health")).path("status").asText()).isEqualTo("healthy");
        assertThat(json(h.get(m + "/")).path("model_name").asText()).isEqualTo("testsrc");

        HttpResponse<String> created = h.post(m + "/generate", """
                {"prompt": "A cat walking on a beach at sunset", "duration": 1, "resolution": "160x96",
                 "fps": 8, "seed": 42, "guidance_scale": 7.5}""");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        JsonNode c = json(created);
        String id = c.path("job_id").asText();
        assertThat(c.has("queue_position")).isTrue();
        assertThat(c.has("estimated_time_seconds")).isTrue();
        assertThat(c.path("model_loaded").isBoolean()).isTrue();

        JsonNode job = awaitField(h, m + "/jobs/" + id, "status", "completed", "failed");
        assertThat(job.path("status").asText()).as(job.toString()).isEqualTo("completed");
        assertThat(job.path("model_name").asText()).isEqualTo("testsrc");
        assertThat(job.path("prompt").asText()).isEqualTo("A cat walking on a beach at sunset");
        assertThat(job.path("duration").asDouble()).isEqualTo(1.0);
        assertThat(job.path("progress").asInt()).isEqualTo(100);
        assertThat(job.path("completed_at").asText()).isNotBlank();
        assertThat(Files.isRegularFile(Path.of(job.path("output_path").asText()))).isTrue();
        assertThat(job.path("download_url").asText()).isEqualTo(m + "/jobs/" + id + "/download");

        HttpResponse<byte[]> video = bytes(h, m + "/jobs/" + id + "/download", Map.of());
        assertThat(video.statusCode()).isEqualTo(200);
        assertMp4(video.body(), dir, 160, 96);

        JsonNode metrics = json(h.get(m + "/metrics"));
        assertThat(metrics.path("jobs").path("completed").asInt()).isPositive();
        assertThat(metrics.path("average_generation_time_seconds").isNumber()).isTrue();
        assertThat(json(h.get(m + "/queue/status")).path("model_name").asText()).isEqualTo("testsrc");
        assertThat(json(h.get(m + "/info")).path("defaults").path("size").asText()).isEqualTo("160x96");

        assertThat(json(h.get(m + "/ready")).path("ready").asBoolean()).isTrue(); // the job loaded it
        JsonNode unloaded = json(h.post(m + "/unload", ""));
        assertThat(unloaded.path("status").asText()).isEqualTo("unloaded");
        assertThat(unloaded.path("model_name").asText()).isEqualTo("testsrc");
        assertThat(unloaded.has("memory_freed_gb")).isTrue();
        assertThat(json(h.get(m + "/ready")).path("ready").asBoolean()).isFalse();
    }

    @Test
    void errors_areEnvelopesNamingVideosDgxFields() {
        assertError(h.get("/models/nope/health"), 404, "model");
        assertError(h.get("/models/embed/health"), 404, "model");
        assertError(h.get("/models/testsrc/jobs/j_nope"), 404, null);
        assertError(h.get("/models/testsrc/jobs/j_nope/download"), 404, null);
        assertError(h.post("/models/testsrc/generate", "{\"duration\": 1}"), 400, "prompt");
        assertError(h.post("/models/testsrc/generate", "{\"prompt\": \"x\", \"resolution\": \"big\"}"), 400, "resolution");
        assertError(h.post("/models/testsrc/generate", "{\"prompt\": \"x\", \"resolution\": \"161x96\"}"), 400, "resolution");
        assertError(h.post("/models/testsrc/generate", "{\"prompt\": \"x\", \"duration\": 1000}"), 400, "duration");

        String id = DialectSupport.heldJob(h);
        assertError(h.get("/models/testsrc/jobs/" + id + "/download"), 409, null);
        h.hearth.jobs().cancel(id);
        JsonNode failed = awaitField(h, "/models/testsrc/jobs/" + id, "status", "failed", "completed");
        assertThat(failed.path("status").asText()).isEqualTo("failed");
        assertThat(failed.path("error").asText()).startsWith("cancelled");
    }

    @Test
    void registerModel_servesTheSameApiAtTheRoot_ofAModelsOwnPort() throws Exception {
        Catalog catalog = new Catalog(ConfigLoader.load(dir.resolve("hearth.yaml"), Map.of()));
        VideosDgxRoutes routes = new VideosDgxRoutes(h.hearth.jobs(), catalog, h.hearth.scheduler());
        WebServer own = WebServer.builder().host("127.0.0.1").port(0)
                .routing(r -> {
                    r.error(Throwable.class, (req, res, t) -> Errors.send(res, t));
                    routes.registerModel(r, "", "testsrc");
                }).build().start();
        try {
            URI base = URI.create("http://127.0.0.1:" + own.port());
            HttpResponse<String> created = h.http.send(HttpRequest.newBuilder(base.resolve("/generate"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\": \"own port\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
            String id = json(created).path("job_id").asText();
            // one job core: the job shows on the main port's per-model path too
            JsonNode job = awaitField(h, "/models/testsrc/jobs/" + id, "status", "completed", "failed");
            assertThat(job.path("status").asText()).isEqualTo("completed");
            HttpResponse<String> viaOwn = h.http.send(HttpRequest.newBuilder(base.resolve("/jobs/" + id)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(json(viaOwn).path("download_url").asText()).isEqualTo("/jobs/" + id + "/download");
            HttpResponse<String> missing = h.http.send(HttpRequest.newBuilder(base.resolve("/jobs/j_nope")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertError(missing, 404, null);
            HttpResponse<String> root = h.http.send(HttpRequest.newBuilder(base.resolve("/")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(json(root).path("model_name").asText()).isEqualTo("testsrc");
        } finally {
            own.stop();
        }
    }

    @Test
    void aVideoModelsPort_servesItsVideosDgxApiAtTheRoot_withTheMainPortsErrors(@TempDir Path own) throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        try (TestHearth p = new TestHearth(own, "", DialectSupport.TESTSRC + "  port: " + port + "\n")) {
            assertThat(p.hearth.modelPort("testsrc")).hasValue(port);
            URI base = URI.create("http://127.0.0.1:" + port);
            HttpResponse<String> created = p.http.send(HttpRequest.newBuilder(base.resolve("/generate"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\": \"on its own port\", \"duration\": 1}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
            String id = json(created).path("job_id").asText();
            JsonNode job = awaitField(p, "/models/testsrc/jobs/" + id, "status", "completed", "failed");
            assertThat(job.path("status").asText()).isEqualTo("completed");
            HttpResponse<byte[]> video = p.http.send(HttpRequest.newBuilder(base.resolve("/jobs/" + id + "/download")).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertMp4(video.body(), own, 160, 96);
            HttpResponse<String> health = p.http.send(HttpRequest.newBuilder(base.resolve("/health")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(json(health).path("model_name").asText()).isEqualTo("testsrc");
            assertError(p.http.send(HttpRequest.newBuilder(base.resolve("/v1/models")).GET().build(),
                    HttpResponse.BodyHandlers.ofString()), 404, null);
            assertError(p.http.send(HttpRequest.newBuilder(base.resolve("/generate"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\": \"x\", \"fps\": 0}")).build(),
                    HttpResponse.BodyHandlers.ofString()), 400, "fps");
        }
    }
}
