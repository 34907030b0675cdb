package dev.hearth.app;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The native /v1/jobs API on a real Hearth, real testsrc worker child and real SQLite file. */
class JobsApiTest {
    /** Small frames keep a job at a second or two on a shared CI core. */
    static final String TESTSRC = """
            testsrc:
              engine: testsrc
              defaults: { size: 160x96, fps: 8, seconds: 1 }
            """;
    /**
     * A job that stays running, before its last frame, until the test releases it ({@link Jobs#release})
     * or cancels it: how long it runs never depends on how fast the machine draws frames.
     */
    static final String HELD = "\"params\":{\"hold\":true}";

    @TempDir
    Path dir;

    @Test
    void job_succeeds_andItsVideoDownloadsWhole_andByRange() throws Exception {
        try (TestHearth h = new TestHearth(dir, "", TESTSRC)) {
            Jobs jobs = new Jobs(h.hearth.baseUri());
            JsonNode created = jobs.submit("""
                    {"model":"testsrc","prompt":"a lighthouse at dusk","params":{"size":"320x180","fps":12,"seconds":1,"seed":7}}""");
            assertThat(created.path("state").asText()).isIn("queued", "running");
            assertThat(created.path("object").asText()).isEqualTo("job");
            String id = created.path("id").asText();

            JsonNode done = jobs.awaitState(id, "succeeded", Duration.ofSeconds(60));

            assertThat(done.path("progress").asDouble()).isEqualTo(1.0);
            assertThat(done.path("prompt").asText()).isEqualTo("a lighthouse at dusk");
            assertThat(done.path("original_prompt").asText()).isEqualTo("a lighthouse at dusk");
            assertThat(done.path("params").path("seed").asLong()).isEqualTo(7);
            assertThat(done.path("error").isNull()).isTrue();
            assertThat(done.path("started_at").isNull()).isFalse();
            assertThat(done.path("finished_at").isNull()).isFalse();
            JsonNode video = done.path("outputs").findParents("name").stream()
                    .filter(o -> o.path("name").asText().equals("video.mp4")).findFirst().orElseThrow();
            assertThat(video.path("content_type").asText()).isEqualTo("video/mp4");
            String url = video.path("url").asText();
            assertThat(url).isEqualTo("/v1/jobs/" + id + "/outputs/video.mp4");

            HttpResponse<byte[]> whole = jobs.http.send(HttpRequest.newBuilder(h.uri(url)).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(whole.statusCode()).isEqualTo(200);
            assertThat(whole.headers().firstValue("Content-Type")).hasValue("video/mp4");
            assertThat((long) whole.body().length).isEqualTo(video.path("size").asLong());
            Path file = dir.resolve("downloaded.mp4");
            Files.write(file, whole.body());
            JsonNode probe = Jobs.probe(file);
            assertThat(probe.path("codec_name").asText()).isEqualTo("h264");
            assertThat(probe.path("width").asInt()).isEqualTo(320);
            assertThat(probe.path("height").asInt()).isEqualTo(180);
            assertThat(probe.path("nb_read_frames").asInt()).isEqualTo(12);

            HttpResponse<byte[]> part = jobs.http.send(HttpRequest.newBuilder(h.uri(url)).header("Range", "bytes=100-199")
                    .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(part.statusCode()).isEqualTo(206);
            assertThat(part.headers().firstValue("Content-Range")).hasValue("bytes 100-199/" + whole.body().length);
            assertThat(part.body()).isEqualTo(java.util.Arrays.copyOfRange(whole.body(), 100, 200));

            HttpResponse<byte[]> thumb = jobs.http.send(HttpRequest.newBuilder(h.uri("/v1/jobs/" + id
                    + "/outputs/thumbnail.jpg")).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(thumb.statusCode()).isEqualTo(200);
            assertThat(thumb.headers().firstValue("Content-Type")).hasValue("image/jpeg");

            JsonNode list = Jobs.json(h.get("/v1/jobs?model=testsrc&state=succeeded").body());
            assertThat(list.path("data").findValuesAsText("id")).contains(id);
            assertThat(h.get("/v1/jobs/" + id + "/outputs/nope.mp4").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void cancel_stopsARunningJob_andCancelsAQueuedOneAtOnce() {
        try (TestHearth h = new TestHearth(dir, "", TESTSRC)) {
            Jobs jobs = new Jobs(h.hearth.baseUri());
            String running = jobs.submit("{\"model\":\"testsrc\",\"prompt\":\"long\"," + HELD + "}").path("id").asText();
            String queued = jobs.submit("{\"model\":\"testsrc\",\"prompt\":\"behind\"}").path("id").asText();
            jobs.await(running, Duration.ofSeconds(60), j -> j.path("progress").asDouble() > 0 || Jobs.terminal(j));
            assertThat(jobs.get(queued).path("state").asText()).isEqualTo("queued");
            assertThat(jobs.get(queued).path("queue_position").asInt()).isEqualTo(1);

            JsonNode q = jobs.cancel(queued);
            assertThat(q.path("state").asText()).isEqualTo("cancelled");
            JsonNode r = jobs.cancel(running);
            assertThat(r.path("state").asText()).isIn("cancelling", "cancelled");

            JsonNode end = jobs.awaitState(running, "cancelled", Duration.ofSeconds(30));
            assertThat(end.path("progress").asDouble()).isLessThan(1.0);
            assertThat(end.path("outputs").size()).isZero();
            assertThat(jobs.cancel(running).path("state").asText()).isEqualTo("cancelled"); // again: unchanged
        }
    }

    @Test
    void jobTimeout_failsTheJob_withCodeTimeout() {
        try (TestHearth h = new TestHearth(dir, "job_timeout: 2s", TESTSRC)) {
            Jobs jobs = new Jobs(h.hearth.baseUri());
            String id = jobs.submit("{\"model\":\"testsrc\",\"prompt\":\"too long\"," + HELD + "}").path("id").asText();

            JsonNode end = jobs.awaitState(id, "failed", Duration.ofSeconds(60));

            assertThat(end.path("error").path("code").asText()).isEqualTo("timeout");
            assertThat(end.path("error").path("message").asText()).contains("job_timeout");
        }
    }

    @Test
    void queueOverflow_answers429_withRetryAfter() {
        try (TestHearth h = new TestHearth(dir, "", TESTSRC + "  max_queue: 1\n")) {
            Jobs jobs = new Jobs(h.hearth.baseUri());
            String running = jobs.submit("{\"model\":\"testsrc\",\"prompt\":\"a\"," + HELD + "}").path("id").asText();
            jobs.awaitState(running, "running", Duration.ofSeconds(60));
            jobs.submit("{\"model\":\"testsrc\",\"prompt\":\"b\"}");

            HttpResponse<String> r = jobs.post("{\"model\":\"testsrc\",\"prompt\":\"c\"}");

            assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
            assertThat(r.headers().firstValue("Retry-After")).isPresent();
            assertThat(Jobs.json(r.body()).path("error").path("code").asText()).isEqualTo("queue_full");
            jobs.cancel(running);
        }
    }

    @Test
    void badInput_is400NamingTheField_andUnknownModel404() {
        try (TestHearth h = new TestHearth(dir, "", TESTSRC)) {
            Jobs jobs = new Jobs(h.hearth.baseUri());
            assertBad(jobs.post("{\"model\":\"testsrc\",\"prompt\":\"x\",\"params\":{\"size\":\"big\"}}"), 400, "size");
            assertBad(jobs.post("{\"model\":\"testsrc\",\"prompt\":\"x\",\"params\":{\"size\":\"161x96\"}}"), 400, "size");
            assertBad(jobs.post("{\"model\":\"testsrc\",\"prompt\":\"x\",\"params\":{\"fps\":500}}"), 400, "fps");
            assertBad(jobs.post("{\"model\":\"testsrc\",\"prompt\":\"x\",\"params\":{\"seconds\":0}}"), 400, "seconds");
            assertBad(jobs.post("{\"model\":\"testsrc\",\"prompt\":\"x\",\"params\":{\"seconds\":61}}"), 400, "seconds");
            assertBad(jobs.post("{\"model\":\"testsrc\",\"prompt\":\"x\",\"params\":{\"steps\":0}}"), 400, "steps");
            assertBad(jobs.post("{\"model\":\"testsrc\",\"prompt\":\"x\",\"params\":{\"seed\":\"abc\"}}"), 400, "seed");
            assertBad(jobs.post("{\"model\":\"testsrc\",\"prompt\":\"\"}"), 400, "prompt");
            assertBad(jobs.post("{\"model\":\"testsrc\",\"prompt\":\"x\",\"image\":\"not an image\"}"), 400, "image");
            assertBad(jobs.post("{\"prompt\":\"x\"}"), 400, "model");
            assertBad(jobs.post("{\"model\":\"nope\",\"prompt\":\"x\"}"), 404, "model");
            assertThat(h.get("/v1/jobs/j_nope").statusCode()).isEqualTo(404);
            assertThat(Jobs.json(h.get("/v1/jobs").body()).path("data").size()).isZero(); // nothing was queued
        }
    }

    @Test
    void imageToVideo_takesADataUriImage_storedWithTheJob() throws Exception {
        var img = new java.awt.image.BufferedImage(64, 48, java.awt.image.BufferedImage.TYPE_INT_RGB);
        var png = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(img, "png", png);
        String uri = "data:image/png;base64," + java.util.Base64.getEncoder().encodeToString(png.toByteArray());
        try (TestHearth h = new TestHearth(dir, "", TESTSRC)) {
            Jobs jobs = new Jobs(h.hearth.baseUri());
            JsonNode created = jobs.submit("{\"model\":\"testsrc\",\"prompt\":\"animate\",\"image\":\"" + uri + "\"}");
            String id = created.path("id").asText();
            assertThat(created.path("task").asText()).isEqualTo("i2v");
            assertThat(created.path("inputs").get(0).asText()).isEqualTo("image");
            assertThat(dir.resolve("data/inputs").resolve(id).resolve("image.png")).isRegularFile();

            jobs.awaitState(id, "succeeded", Duration.ofSeconds(60));
        }
    }

    @Test
    void submit_is400NamingTask_listingTheModelsTasks_whenTheModelDoesNotServeIt() {
        try (TestHearth h = new TestHearth(dir, "", TESTSRC)) {
            Jobs jobs = new Jobs(h.hearth.baseUri());
            for (String task : new String[] {"bogus", "../../etc/passwd", "T2V", "chat"}) {
                HttpResponse<String> r = jobs.post("{\"model\":\"testsrc\",\"task\":\"" + task + "\",\"prompt\":\"x\"}");
                assertBad(r, 400, "task");
                assertThat(Jobs.json(r.body()).path("error").path("message").asText()).contains("t2v, i2v");
            }
            // a task the model serves still gets its own checks
            assertBad(jobs.post("{\"model\":\"testsrc\",\"task\":\"t2v\",\"prompt\":\"\"}"), 400, "prompt");
            assertBad(jobs.post("{\"model\":\"testsrc\",\"task\":\"i2v\",\"prompt\":\"x\"}"), 400, "image");
            assertThat(Jobs.json(h.get("/v1/jobs").body()).path("data").size()).isZero();
        }
    }

    @Test
    void submitAnswers_giveTheSameQueuePosition_natively_andThroughVideosDgx_whetherTheModelIsIdleOrBusy() {
        try (TestHearth h = new TestHearth(dir, "", TESTSRC)) {
            Jobs jobs = new Jobs(h.hearth.baseUri());
            // idle model: the dispatcher may claim the job before the answer is written; it was first in line
            JsonNode idle = Jobs.json(h.post("/models/testsrc/generate", "{\"prompt\":\"idle\"}").body());
            assertThat(idle.path("status").asText()).isEqualTo("queued");
            assertThat(idle.path("queue_position").asInt()).as(idle.toString()).isEqualTo(1);
            jobs.awaitState(idle.path("job_id").asText(), "succeeded", Duration.ofSeconds(60));
            JsonNode held = jobs.submit("{\"model\":\"testsrc\",\"prompt\":\"held\"," + HELD + "}");
            assertThat(held.path("queue_position").asInt()).as(held.toString()).isEqualTo(1);
            String running = held.path("id").asText();
            jobs.await(running, Duration.ofSeconds(60), j -> j.path("progress").asDouble() > 0 || Jobs.terminal(j));

            // busy model: behind the running job, first and then second in line
            JsonNode dgx = Jobs.json(h.post("/models/testsrc/generate", "{\"prompt\":\"second\"}").body());
            JsonNode nat = jobs.submit("{\"model\":\"testsrc\",\"prompt\":\"third\"}");

            assertThat(dgx.path("queue_position").asInt()).as(dgx.toString()).isEqualTo(1);
            assertThat(nat.path("queue_position").asInt()).as(nat.toString()).isEqualTo(2);
            jobs.cancel(running);
        }
    }

    private static void assertBad(HttpResponse<String> r, int status, String param) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode error = Jobs.json(r.body()).path("error");
        assertThat(error.path("param").asText()).as(r.body()).isEqualTo(param);
        assertThat(error.path("message").asText()).isNotBlank();
    }

    @Test
    void anImageUploadedInAMultipartJob_keepsTheImageCap_thoughTheFormMayCarryALargeRecording() {
        try (TestHearth h = new TestHearth(dir, "", TESTSRC)) {
            byte[] big = new byte[(int) dev.hearth.media.MediaLimits.DEFAULT_MAX_BYTES + 1];
            byte[] png = DialectSupport.png();
            System.arraycopy(png, 0, big, 0, png.length); // a PNG's start, then far more than an image may be
            java.net.http.HttpResponse<String> r = DialectSupport.postMultipart(h, "/v1/jobs",
                    java.util.Map.of("model", "testsrc", "task", "i2v", "prompt", "too big"), "image", big);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(413);
            assertThat(Jobs.json(r.body()).path("error").path("param").asText()).isEqualTo("image");
            assertThat(Jobs.json(r.body()).path("error").path("message").asText()).contains("the image is larger than");

            java.net.http.HttpResponse<String> ok = DialectSupport.postMultipart(h, "/v1/jobs",
                    java.util.Map.of("model", "testsrc", "task", "i2v", "prompt", "small"), "image", png);
            assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        }
    }
}
