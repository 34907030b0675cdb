package dev.hearth.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.engine.lightx2v.FakeLightX2vServer;
import dev.hearth.catalog.ConfigLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code engine: lightx2v} through a real Hearth, against a FAKE LightX2V server on loopback (there
 * is no real LightX2V here, see {@link FakeLightX2vServer}): jobs go in on Hearth's own APIs and are
 * forwarded to the fake's {@code /v1/tasks}, polled, downloaded, cancelled.
 */
class LightX2vEngineTest {
    private static final Duration MAX = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    private FakeLightX2vServer fake;
    private TestHearth h;
    private Jobs jobs;

    @BeforeEach
    void start() throws Exception {
        fake = FakeLightX2vServer.start(dir);
        h = new TestHearth(dir, "", """
                lx:
                  engine: lightx2v
                  url: %s
                  start_timeout: 5s
                  options: { poll_interval_ms: 50 }
                  defaults: { size: 832x480, fps: 16, seconds: 5, steps: 4 }
                """.formatted(fake.url()));
        jobs = new Jobs(h.hearth.baseUri());
    }

    @AfterEach
    void stop() {
        if (h != null) h.close();
        if (fake != null) fake.close();
    }

    @Test
    void aNativeJob_runsOnTheFakeLightX2vServer_andHearthServesItsMp4ByteForByte() throws Exception {
        String id = jobs.submit("{\"model\":\"lx\",\"prompt\":\"a cat playing piano\","
                + "\"params\":{\"negative_prompt\":\"blur\",\"seed\":7}}").path("id").asText();

        JsonNode done = jobs.awaitState(id, "succeeded", MAX);

        HttpResponse<byte[]> video = jobs.http.send(HttpRequest.newBuilder(h.uri("/v1/jobs/" + id + "/outputs/video.mp4"))
                .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(video.statusCode()).isEqualTo(200);
        assertThat(video.headers().firstValue("Content-Type")).hasValue("video/mp4");
        assertThat(video.body()).isEqualTo(fake.video());
        assertThat(done.path("progress").asDouble()).isEqualTo(1.0);
        assertThat(dir.resolve("data/outputs").resolve(id).resolve("video.mp4")).isRegularFile();
    }

    @Test
    void theForwardedTask_carriesLightX2vFieldNames_mappedFromHearthsParams_onTheFakeServer() {
        String id = jobs.submit("{\"model\":\"lx\",\"prompt\":\"a cat\",\"params\":{\"size\":\"640x360\",\"fps\":24,"
                + "\"seconds\":2,\"steps\":8,\"seed\":42,\"guidance_scale\":4.5,\"negative_prompt\":\"blur\"}}").path("id").asText();
        jobs.awaitState(id, "succeeded", MAX);

        JsonNode body = fake.submitted.getFirst();
        assertThat(body.path("prompt").asText()).isEqualTo("a cat");
        assertThat(body.path("negative_prompt").asText()).isEqualTo("blur");
        assertThat(body.path("target_shape").toString()).isEqualTo("[360,640]");   // [height, width]
        assertThat(body.path("target_fps").asInt()).isEqualTo(24);
        assertThat(body.path("target_video_length").asInt()).isEqualTo(48);       // 2 s × 24 fps
        assertThat(body.path("infer_steps").asInt()).isEqualTo(8);
        assertThat(body.path("seed").asLong()).isEqualTo(42);
        assertThat(body.path("guidance_scale").asDouble()).isEqualTo(4.5);
        assertThat(body.has("image_path")).isFalse();
    }

    @Test
    void anImageToVideoJob_sendsTheImage_asABase64DataUri_toTheFakeServer() {
        byte[] png = DialectSupport.png();
        String uri = "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
        String id = jobs.submit("{\"model\":\"lx\",\"prompt\":\"animate\",\"image\":\"" + uri + "\"}").path("id").asText();
        jobs.awaitState(id, "succeeded", MAX);

        String sent = fake.submitted.getFirst().path("image_path").asText();
        assertThat(sent).startsWith("data:image/png;base64,");
        assertThat(Base64.getDecoder().decode(sent.substring(sent.indexOf(',') + 1))).isEqualTo(png);
    }

    @Test
    void aTaskTheFakeServerFails_failsTheJob_withTheServersMessage() {
        fake.mode = FakeLightX2vServer.Mode.FAIL;
        String id = jobs.submit("{\"model\":\"lx\",\"prompt\":\"x\"}").path("id").asText();

        JsonNode end = jobs.awaitState(id, "failed", MAX);

        assertThat(end.path("error").path("code").asText()).isEqualTo("remote_failed");
        assertThat(end.path("error").path("message").asText()).contains(FakeLightX2vServer.FAILURE);
    }

    @Test
    void cancellingARunningJob_deletesItsTaskOnTheFakeServer_andTheJobIsCancelled() {
        fake.mode = FakeLightX2vServer.Mode.HANG;
        String id = jobs.submit("{\"model\":\"lx\",\"prompt\":\"x\"}").path("id").asText();
        jobs.await(id, MAX, j -> j.path("stage").asText().startsWith("remote"));

        jobs.cancel(id);

        jobs.awaitState(id, "cancelled", MAX);
        assertThat(fake.deleted).containsExactly("fake-task-1");
    }

    @Test
    void theFakeServerGoingDownMidJob_failsTheJob_asRemoteUnreachable_afterSeveralPolls() {
        fake.mode = FakeLightX2vServer.Mode.HANG;
        String id = jobs.submit("{\"model\":\"lx\",\"prompt\":\"x\"}").path("id").asText();
        jobs.await(id, MAX, j -> j.path("stage").asText().startsWith("remote"));

        fake.close();

        JsonNode end = jobs.awaitState(id, "failed", MAX);
        assertThat(end.path("error").path("code").asText()).isEqualTo("remote_unreachable");
        assertThat(end.path("error").path("message").asText()).contains(fake.url().toString())
                .contains("status polls in a row");
    }

    @Test
    void theFakeServerDownBeforeTheJob_failsTheJob_namingItsUrl_whenTheModelCannotLoad() {
        fake.close();
        String id = jobs.submit("{\"model\":\"lx\",\"prompt\":\"x\"}").path("id").asText();

        JsonNode end = jobs.awaitState(id, "failed", MAX);

        assertThat(end.path("error").path("code").asText()).isEqualTo("engine_failed");
        assertThat(end.path("error").path("message").asText()).contains(fake.url().toString()).contains("not ready");
    }

    @Test
    void aLightX2vModel_isAVideoModel_takingNoMemoryFromTheBudget_healthCheckedAtItsServiceStatus() throws Exception {
        var spec = ConfigLoader.load(dir.resolve("hearth.yaml"), Map.of()).models().get("lx");

        assertThat(spec.memoryBytes()).isZero();
        assertThat(spec.task().wire()).isEqualTo("video");
        assertThat(spec.health()).isEqualTo("/v1/service/status");
        assertThat(spec.runsJobs()).isTrue();
    }
}
