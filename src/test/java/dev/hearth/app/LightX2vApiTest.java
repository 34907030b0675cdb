package dev.hearth.app;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;

import static dev.hearth.app.DialectSupport.assertError;
import static dev.hearth.app.DialectSupport.assertMp4;
import static dev.hearth.app.DialectSupport.awaitField;
import static dev.hearth.app.DialectSupport.bytes;
import static dev.hearth.app.DialectSupport.delete;
import static dev.hearth.app.DialectSupport.json;
import static org.assertj.core.api.Assertions.assertThat;

/** LightX2V's /v1/tasks API through a real Hearth, its job core and the real testsrc worker. */
class LightX2vApiTest {
    @TempDir
    static Path dir;
    static TestHearth h;

    @BeforeAll
    static void start() {
        h = new TestHearth(dir, "", DialectSupport.TESTSRC);
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    @Test
    void task_goesFromCreateToDownload_withLightX2vFieldsAndStates() throws Exception {
        HttpResponse<String> created = h.post("/v1/tasks/", """
                {"prompt": "A cat playing piano", "target_shape": [96, 160], "target_video_length": 8,
                 "target_fps": 8, "seed": 42, "infer_steps": 4}""");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        String id = json(created).path("task_id").asText();
        assertThat(json(created).path("task_status").asText()).isIn("pending", "processing", "completed");
        assertThat(json(created).path("save_result_path").asText()).isEqualTo(id + ".mp4");

        JsonNode status = awaitField(h, "/v1/tasks/" + id + "/status", "status", "completed", "failed");
        assertThat(status.path("status").asText()).as(status.toString()).isEqualTo("completed");
        assertThat(status.path("progress").asInt()).isEqualTo(100);
        assertThat(status.path("end_time").asText()).isNotBlank();

        HttpResponse<byte[]> video = bytes(h, "/v1/tasks/" + id + "/result", Map.of());
        assertThat(video.statusCode()).isEqualTo(200);
        assertThat(video.headers().firstValue("content-type")).contains("video/mp4");
        assertThat(video.headers().firstValue("content-disposition").orElse("")).contains(id + ".mp4");
        assertMp4(video.body(), dir, 160, 96);
        HttpResponse<byte[]> part = bytes(h, "/v1/tasks/" + id + "/result", Map.of("Range", "bytes=0-7"));
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.body()).hasSize(8);

        assertThat(json(h.get("/v1/tasks/")).path(id).path("status").asText()).isEqualTo("completed");
        assertThat(json(h.get("/v1/tasks")).has(id)).isTrue();
        JsonNode service = json(h.get("/v1/service/status"));
        assertThat(service.path("completed_tasks").asInt()).isPositive();
        assertThat(service.path("service_status").asText()).isIn("idle", "busy");
        JsonNode stop = json(delete(h, "/v1/tasks/" + id));
        assertThat(stop.path("stop_status").asText()).isEqualTo("do_nothing");
    }

    @Test
    void formTask_withAnUploadedImage_runsImageToVideo() throws Exception {
        HttpResponse<String> created = DialectSupport.postMultipart(h, "/v1/tasks/form",
                Map.of("prompt", "the orange card moves", "target_video_length", "8", "use_prompt_enhancer", "false"),
                "image_file", DialectSupport.png());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        String id = json(created).path("task_id").asText();

        JsonNode status = awaitField(h, "/v1/tasks/" + id + "/status", "status", "completed", "failed");
        assertThat(status.path("status").asText()).as(status.toString()).isEqualTo("completed");
        assertThat(h.hearth.jobs().get(id).task()).isEqualTo("i2v");
        assertMp4(bytes(h, "/v1/tasks/" + id + "/result", Map.of()).body(), dir, 160, 96);
    }

    @Test
    void cancel_stopsAPendingOrProcessingTask_andItsResultIs409() {
        String id = DialectSupport.heldJob(h); // pending or processing until cancelled, however fast the machine
        assertError(h.get("/v1/tasks/" + id + "/result"), 409, null);
        JsonNode queue = json(h.get("/v1/tasks/queue/status"));
        assertThat(queue.path("active_count").asInt()).isPositive();
        assertThat(queue.path("queue_size").asInt()).isPositive();

        JsonNode stop = json(delete(h, "/v1/tasks/" + id));
        assertThat(stop.path("stop_status").asText()).isEqualTo("success");
        JsonNode status = awaitField(h, "/v1/tasks/" + id + "/status", "status", "cancelled", "completed", "failed");
        assertThat(status.path("status").asText()).isEqualTo("cancelled");
        assertError(h.get("/v1/tasks/" + id + "/result"), 409, null);
    }

    @Test
    void cancelAllRunning_stopsEveryActiveTask() {
        String a = DialectSupport.heldJob(h);
        String b = DialectSupport.heldJob(h);

        JsonNode stop = json(delete(h, "/v1/tasks/all/running"));

        assertThat(stop.path("stop_status").asText()).isEqualTo("success");
        assertThat(stop.path("cancelled").toString()).contains(a, b);
        awaitField(h, "/v1/tasks/" + a + "/status", "status", "cancelled");
        awaitField(h, "/v1/tasks/" + b + "/status", "status", "cancelled");
    }

    @Test
    void errors_areEnvelopesNamingLightX2vFields() {
        assertError(h.get("/v1/tasks/j_nope/status"), 404, null);
        assertError(h.get("/v1/tasks/j_nope/result"), 404, null);
        assertError(delete(h, "/v1/tasks/j_nope"), 404, null);
        assertError(h.post("/v1/tasks/", "{\"prompt\": \"x\", \"infer_steps\": \"many\"}"), 400, "infer_steps");
        assertError(h.post("/v1/tasks/", "{\"prompt\": \"x\", \"target_shape\": [96]}"), 400, "target_shape");
        // the core's range checks name the LightX2V field too
        assertError(h.post("/v1/tasks/", "{\"prompt\": \"x\", \"target_shape\": [97, 160]}"), 400, "target_shape");
        assertError(h.post("/v1/tasks/", "{\"prompt\": \"x\", \"target_video_length\": 100000}"), 400, "target_video_length");
        assertError(h.post("/v1/tasks/", "{\"prompt\": \"x\", \"image_path\": \"not an image\"}"), 400, "image_path");
        assertError(h.post("/v1/tasks/", "{\"prompt\": \"x\", \"model\": \"nope\"}"), 404, "model");
        assertError(h.post("/v1/tasks/", "not json"), 400, null);
    }
}
