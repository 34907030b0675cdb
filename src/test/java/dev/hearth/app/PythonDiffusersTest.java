package dev.hearth.app;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

/**
 * Hearth → {@code engine: worker} → {@code python -m hearth_worker} on the real diffusers pipelines
 * (Wan 2.1 in depth; Wan 2.2, LTX-Video, LTX-2 and FramePack once each), built from tiny configs with random weights ({@code tests_torch/tiny.py}, nothing from a
 * model hub) and run on the CPU: real MP4s, progress per denoising step, a cancel that stops within a
 * step, and the protocol's error codes. Needs the worker's venv ({@code workers/python/bin/venv}, whose
 * python {@code HEARTH_WORKER_PYTHON} names): skipped locally without it, failed when CI=true.
 */
class PythonDiffusersTest {
    private static final Path WORKER_DIR = WorkerVenv.WORKER_DIR;
    private static final Duration JOB = Duration.ofSeconds(120);

    @TempDir
    static Path dir;
    private static TestHearth h;
    private static Jobs jobs;
    private static String missing;

    @BeforeAll
    static void tinyModelsAndHearth() throws Exception {
        String python = venvPython();
        if (python == null) return;
        Path t2v = dir.resolve("tiny-wan-t2v");
        Path i2v = dir.resolve("tiny-wan-i2v");
        List<String> tiny = new java.util.ArrayList<>(List.of(python, "-m", "tests_torch.tiny",
                "wan2.1-t2v", t2v.toString(), "wan2.1-i2v", i2v.toString()));
        StringBuilder models = new StringBuilder(model("wan-t2v", python, "wan2.1-t2v", t2v)
                + model("wan-i2v", python, "wan2.1-i2v", i2v));
        for (String pipeline : OTHERS) {
            Path d = dir.resolve("tiny-" + pipeline);
            tiny.addAll(List.of(pipeline, d.toString()));
            models.append(model(pipeline, python, pipeline, d));
        }
        run(tiny);
        h = new TestHearth(dir, "", models.toString());
        jobs = new Jobs(h.hearth.baseUri());
    }

    /** Each test is reported skipped, with the reason (an abort in @BeforeAll would hide them). */
    @BeforeEach
    void needsTheVenv() {
        if (missing != null) abort("diffusers worker test skipped: " + missing);
    }

    @AfterAll
    static void stop() {
        if (h != null) h.close();
    }

    private static String model(String name, String python, String pipeline, Path tiny) {
        return """
                %s:
                  engine: worker
                  cmd: %s -m hearth_worker --pipeline %s --model %s --device cpu --heartbeat 0 --test-hooks
                  cwd: %s
                  memory: 1MiB
                  max_attempts: 1
                """.formatted(name, python, pipeline, tiny, WORKER_DIR);
    }

    @Test
    void t2v_makesARealMp4_withTheFramesSizeAndFpsAsked() throws Exception {
        String id = jobs.submit("""
                {"model":"wan-t2v","prompt":"a red fox in snow","params":{"size":"48x32","num_frames":9,"fps":8,"steps":2,"seed":7}}
                """).path("id").asText();

        JsonNode end = jobs.awaitState(id, "succeeded", JOB);

        assertThat(end.path("progress").asDouble()).isEqualTo(1.0);
        assertVideo(id, 48, 32, 9, "8/1");
        assertThat(log("wan-t2v")).contains("job " + id + ": t2v 48x32, 9 frames at 8 fps, 2 steps");
    }

    /** The other pipeline families, each through Hearth once. FramePack's tiny build is one directory
     *  with its transformer and image encoder inside; loading them from repositories of their own
     *  (--transformer, --image-encoder) is proven in the worker's own tests, tests_torch. */
    private static final List<String> OTHERS = List.of("wan2.2-i2v", "wan2.2-5b-t2v", "ltx-i2v", "ltx2-t2v",
            "framepack-i2v");

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
            "wan2.2-i2v    | 48x32 | 5  | 16 | \"steps\":4,\"guidance_scale_2\":2.0   | 48 | 32 | 5  | 16/1",
            "wan2.2-5b-t2v | 64x32 | 9  | 24 | \"steps\":2                            | 64 | 32 | 9  | 24/1",
            "ltx-i2v       | 64x32 | 9  | 24 | \"steps\":2                            | 64 | 32 | 9  | 24/1",
            // LTX-2's decoder pads by reflection: latents of at least 2x2, so 64x64
            "ltx2-t2v      | 64x64 | 9  | 24 | \"steps\":2                            | 64 | 64 | 9  | 24/1",
            // sections of (3 - 1) * 4 + 1 = 9 frames: three sections make 21 frames, the rest cut
            "framepack-i2v | 48x32 | 21 | 30 | \"steps\":2,\"latent_window_size\":3    | 48 | 32 | 21 | 30/1"})
    void everyFamily_throughHearth_makesARealMp4(String model, String size, int frames, int fps, String extra,
                                                 int width, int height, int expectedFrames, String rate) throws Exception {
        boolean i2v = model.endsWith("i2v");
        String id = jobs.submit("""
                {"model":"%s",%s"prompt":"a red fox in snow","params":{"size":"%s","num_frames":%d,"fps":%d,"seed":3,%s}}
                """.formatted(model, i2v ? "\"task\":\"i2v\",\"image\":\"" + pngDataUri() + "\"," : "",
                size, frames, fps, extra)).path("id").asText();

        jobs.awaitState(id, "succeeded", JOB);

        assertVideo(id, width, height, expectedFrames, rate);
        if (model.startsWith("ltx2")) {     // LTX-2 makes the sound too: muxed into the MP4 as AAC
            JsonNode audio = Jobs.probeAudio(dir.resolve(id + ".mp4"));
            assertThat(audio.path("codec_name").asText()).isEqualTo("aac");
            assertThat(audio.path("channels").asInt()).isEqualTo(2);
        }
    }

    @Test
    void i2v_fromADataUriImage_makesARealMp4() throws Exception {
        String id = jobs.submit("""
                {"model":"wan-i2v","task":"i2v","prompt":"the square moves","image":"%s",
                 "params":{"size":"32x32","seconds":1,"fps":4,"steps":2,"seed":3}}
                """.formatted(pngDataUri())).path("id").asText();

        jobs.awaitState(id, "succeeded", JOB);

        assertVideo(id, 32, 32, 5, "4/1");           // 1 s at 4 fps = 4 frames, rounded to 4k+1
    }

    @Test
    void progress_arrivesPerStep_andCancel_stopsWithinAStep_withoutDecoding() throws Exception {
        // "hold" (a --test-hooks param) keeps the job after its first step until cancelled: the test
        // decides when, however fast the machine is.
        String id = jobs.submit("""
                {"model":"wan-t2v","prompt":"held","params":{"size":"32x32","num_frames":5,"fps":8,"steps":4,"seed":1,"hold":true}}
                """).path("id").asText();
        JsonNode held = jobs.await(id, JOB, j -> j.path("progress").asDouble() > 0 || Jobs.terminal(j));
        assertThat(held.path("state").asText()).isEqualTo("running");
        assertThat(held.path("progress").asDouble()).isEqualTo(0.25);          // step 1 of 4

        jobs.cancel(id);
        JsonNode end = jobs.awaitState(id, "cancelled", JOB);

        assertThat(end.path("outputs").findValuesAsText("name")).doesNotContain("video.mp4");
        assertThat(log("wan-t2v")).contains("cancelled after denoising step 1 of 4; the latents are not decoded")
                .doesNotContain("killing the worker");
    }

    @Test
    void badParams_andOutOfMemory_comeBackAsTheProtocolsErrorCodes() {
        String bad = jobs.submit("""
                {"model":"wan-t2v","prompt":"x","params":{"size":"32x32","num_frames":5,"steps":1,"flow_shift":"high"}}
                """).path("id").asText();
        String oom = jobs.submit("""
                {"model":"wan-t2v","prompt":"x","params":{"size":"32x32","num_frames":5,"steps":2,"fail":"oom"}}
                """).path("id").asText();

        JsonNode badEnd = jobs.awaitState(bad, "failed", JOB);
        JsonNode oomEnd = jobs.awaitState(oom, "failed", JOB);

        assertThat(badEnd.path("error").path("code").asText()).isEqualTo("bad_params");
        assertThat(badEnd.path("error").path("message").asText()).contains("flow_shift");
        assertThat(oomEnd.path("error").path("code").asText()).isEqualTo("oom");
        assertThat(oomEnd.path("error").path("message").asText()).contains("can't allocate memory");
    }

    private static void assertVideo(String id, int width, int height, int frames, String fps) throws Exception {
        HttpResponse<byte[]> video = jobs.http.send(HttpRequest.newBuilder(h.uri("/v1/jobs/" + id + "/outputs/video.mp4"))
                .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(video.statusCode()).isEqualTo(200);
        Path file = dir.resolve(id + ".mp4");
        Files.write(file, video.body());
        JsonNode probe = Jobs.probe(file);
        assertThat(probe.path("codec_name").asText()).isEqualTo("h264");
        assertThat(probe.path("width").asInt()).isEqualTo(width);
        assertThat(probe.path("height").asInt()).isEqualTo(height);
        assertThat(probe.path("nb_read_frames").asInt()).isEqualTo(frames);
        assertThat(probe.path("r_frame_rate").asText()).isEqualTo(fps);
    }

    private static String log(String model) {
        return h.get("/api/models/" + model + "/logs?lines=400").body();
    }

    private static String pngDataUri() {
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(dev.hearth.media.TestImages.png());
    }

    /** The venv's python: HEARTH_WORKER_PYTHON, else bin/venv's when it was built; else null (skip), or fail under CI. */
    private static String venvPython() throws Exception {
        String python = WorkerVenv.python();
        if (python == null) missing = WorkerVenv.MISSING;
        return python;
    }

    private static String run(List<String> cmd) throws Exception {
        return WorkerVenv.run(cmd);
    }
}
