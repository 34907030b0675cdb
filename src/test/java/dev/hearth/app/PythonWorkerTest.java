package dev.hearth.app;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The two sides of the worker protocol together: Hearth starting the real Python worker
 * ({@code python3 -m hearth_worker --pipeline fake}, no torch needed) as an {@code engine: worker}
 * model, and the worker's advertised limits (its {@code --describe}, declared under {@code limits:})
 * refusing a bad job at submit, before anything loads.
 */
class PythonWorkerTest {
    private static final Path WORKER_DIR = Path.of("workers/python").toAbsolutePath();
    private static final String CMD = "python3 -m hearth_worker --pipeline fake --fake-step-delay 0 --heartbeat 0";
    private static String describe;

    @TempDir
    Path dir;

    /** What the worker itself says its limits are: the same JSON (valid YAML) an operator pastes into limits:. */
    @BeforeAll
    static void describeTheFakePipeline() throws Exception {
        Process p = new ProcessBuilder("python3", "-m", "hearth_worker", "--pipeline", "fake", "--describe")
                .directory(WORKER_DIR.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        describe = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        assertThat(Jobs.json(describe).path("size_multiple").asInt()).isEqualTo(16);
    }

    private TestHearth hearth(String limits) {
        return new TestHearth(dir, "", """
                fakepy:
                  engine: worker
                  cmd: %s
                  cwd: %s
                  memory: 1MiB
                  max_attempts: 1
                %s""".formatted(CMD, WORKER_DIR, limits == null ? "" : "  limits: " + limits + "\n"));
    }

    @Test
    void aJob_runsThroughTheRealPythonWorker_toSucceeded_withItsOutput() throws Exception {
        try (TestHearth h = hearth(describe)) {
            Jobs jobs = new Jobs(h.hearth.baseUri());
            String id = jobs.submit("""
                    {"model":"fakepy","prompt":"a red fox in snow","params":{"size":"320x176","seconds":1,"steps":3,"seed":7}}
                    """).path("id").asText();

            JsonNode end = jobs.awaitState(id, "succeeded", Duration.ofSeconds(120));

            assertThat(end.path("progress").asDouble()).isEqualTo(1.0);
            HttpResponse<String> video = h.get("/v1/jobs/" + id + "/outputs/video.mp4");
            assertThat(video.statusCode()).isEqualTo(200);
            assertThat(video.body()).startsWith("HEARTH-FAKE-VIDEO").contains("\"size\": [320, 176]")
                    .contains("\"seed\": 7").contains("a red fox in snow");
        }
    }

    @Test
    void aJobOverTheAdvertisedLimits_is400AtSubmit_inTheWordsOfTheApi_withNothingLoaded() throws Exception {
        try (TestHearth h = hearth(describe)) {
            Jobs jobs = new Jobs(h.hearth.baseUri());

            // 840 is even (Hearth's own rule) but not a multiple of 16 (the worker's)
            HttpResponse<String> size = jobs.post("{\"model\":\"fakepy\",\"prompt\":\"x\",\"params\":{\"size\":\"840x480\"}}");
            HttpResponse<String> seed = jobs.post("{\"model\":\"fakepy\",\"prompt\":\"x\",\"params\":{\"seed\":-1}}");
            HttpResponse<String> openAi = h.post("/v1/videos", "{\"model\":\"fakepy\",\"prompt\":\"x\",\"size\":\"840x480\"}");
            HttpResponse<String> dgx = h.post("/models/fakepy/generate", "{\"prompt\":\"x\",\"resolution\":\"840x480\"}");

            assertThat(size.statusCode()).as(size.body()).isEqualTo(400);
            assertThat(size.body()).contains("'size'").contains("multiples of 16").contains("832x480");
            assertThat(seed.statusCode()).as(seed.body()).isEqualTo(400);
            assertThat(seed.body()).contains("'seed'").contains("from 0");
            assertThat(openAi.statusCode()).as(openAi.body()).isEqualTo(400);
            assertThat(openAi.body()).contains("'size'").contains("multiples of 16");
            assertThat(dgx.statusCode()).as(dgx.body()).isEqualTo(400);
            assertThat(dgx.body()).contains("'resolution'").contains("multiples of 16");
            assertThat(state(h)).isEqualTo("unloaded");
            assertThat(Jobs.json(h.get("/v1/jobs").body()).path("data").size()).isZero();
        }
    }

    @Test
    void withNoDeclaredLimits_theLimitsOfReady_failABadJobAsBadParams_beforeTheWorkerRunsIt() throws Exception {
        try (TestHearth h = hearth(null)) {
            Jobs jobs = new Jobs(h.hearth.baseUri());
            String first = jobs.submit("{\"model\":\"fakepy\",\"prompt\":\"x\",\"params\":{\"seconds\":1,\"steps\":2}}")
                    .path("id").asText();
            jobs.awaitState(first, "succeeded", Duration.ofSeconds(120));

            String bad = jobs.submit("{\"model\":\"fakepy\",\"prompt\":\"x\",\"params\":{\"size\":\"840x480\"}}")
                    .path("id").asText();
            JsonNode end = jobs.awaitState(bad, "failed", Duration.ofSeconds(120));

            assertThat(end.path("error").path("code").asText()).isEqualTo("bad_params");
            // Hearth's words (refused before the run was sent), not the worker's
            assertThat(end.path("error").path("message").asText()).contains("'size'").contains("for this worker");
            assertThat(h.get("/api/models/fakepy/logs").body()).contains("refused before running")
                    .doesNotContain("bad params");
        }
    }

    private static String state(TestHearth h) throws IOException {
        return Jobs.json(h.get("/api/models/fakepy").body()).path("state").asText();
    }
}
