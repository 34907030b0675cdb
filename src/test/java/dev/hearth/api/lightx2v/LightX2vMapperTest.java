package dev.hearth.api.lightx2v;

import dev.hearth.api.Fields;
import dev.hearth.api.TestJobs;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.HearthException;
import dev.hearth.Json;
import dev.hearth.jobs.Dialect;
import dev.hearth.jobs.JobService.InputSource;
import dev.hearth.jobs.JobService.Submission;
import dev.hearth.jobs.JobState;
import dev.hearth.media.Multipart;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LightX2vMapperTest {
    private static ObjectNode body(String json) {
        return Json.parseObject(json.getBytes());
    }

    private static Submission map(String json) {
        return LightX2vMapper.submission(body(json), null, "wan", Map.of("fps", 16));
    }

    @Test
    void submission_mapsEveryField_toHearthParams() {
        Submission s = map("""
                {"task_id": "mine", "prompt": "A cat playing piano", "negative_prompt": "blurry",
                 "image_path": "https://example.com/cat.jpg", "infer_steps": 40, "target_shape": [480, 832],
                 "target_video_length": 81, "target_fps": 16, "seed": 42, "use_prompt_enhancer": true,
                 "save_result_path": "x.mp4", "num_fragments": 1}""");

        assertThat(s.model()).isEqualTo("wan");
        assertThat(s.task()).isNull();
        assertThat(s.dialect()).isEqualTo(Dialect.LIGHTX2V);
        assertThat(s.enhancePrompt()).isTrue();
        assertThat(s.priority()).isZero();
        assertThat(s.params().toString()).isEqualTo(
                "{\"prompt\":\"A cat playing piano\",\"negative_prompt\":\"blurry\",\"steps\":40,\"size\":\"832x480\","
                        + "\"fps\":16,\"seconds\":5.0625,\"seed\":42}");
        assertThat(s.inputs()).containsExactly(Map.entry("image",
                new InputSource.Reference("image_path", "https://example.com/cat.jpg")));
        assertThat(s.paramName()).containsEntry("size", "target_shape").containsEntry("seconds", "target_video_length")
                .containsEntry("steps", "infer_steps").containsEntry("fps", "target_fps").containsEntry("image", "image_path");
    }

    @Test
    void submission_leavesOutWhatTheClientLeftOut_soModelDefaultsApply() {
        Submission s = map("{\"prompt\": \"x\", \"image_path\": \"\", \"target_shape\": [], \"negative_prompt\": \"\"}");

        assertThat(s.params().toString()).isEqualTo("{\"prompt\":\"x\"}");
        assertThat(s.inputs()).isEmpty();
        assertThat(s.enhancePrompt()).isFalse();
    }

    @Test
    void targetVideoLength_usesTheModelsDefaultFps_whenTargetFpsIsAbsent() {
        ObjectNode b = body("{\"target_video_length\": 48}");

        assertThat(LightX2vMapper.submission(b, null, "m", Map.of("fps", 24)).params().get("seconds").asDouble()).isEqualTo(2.0);
        assertThat(LightX2vMapper.submission(b, null, "m", Map.of()).params().get("seconds").asDouble()).isEqualTo(3.0);
        assertThat(LightX2vMapper.submission(b, null, "m", Map.of("fps", "12")).params().get("seconds").asDouble()).isEqualTo(4.0);
    }

    @Test
    void submission_readsFormStrings_asLightX2vsFormEndpointSendsThem() {
        Multipart.Upload file = new Multipart.Upload("image_file", "cat.png", "image/png", Path.of("/tmp/part-0"), 10);
        ObjectNode form = Fields.fromForm(Map.of("prompt", "p", "infer_steps", "40", "target_shape", "[720, 1280]",
                "target_video_length", "32", "target_fps", "16", "seed", "7", "use_prompt_enhancer", "false"));

        Submission s = LightX2vMapper.submission(form, file, "wan", Map.of());

        assertThat(s.params().get("steps").asInt()).isEqualTo(40);
        assertThat(s.params().get("size").asText()).isEqualTo("1280x720");
        assertThat(s.params().get("seconds").asDouble()).isEqualTo(2.0);
        assertThat(s.params().get("seed").asLong()).isEqualTo(7);
        assertThat(s.enhancePrompt()).isFalse();
        assertThat(s.inputs()).containsExactly(Map.entry("image", new InputSource.Upload(file)));
    }

    @Test
    void submission_refusesImageFileAndImagePathTogether_namingImagePath() {
        Multipart.Upload file = new Multipart.Upload("image_file", "cat.png", "image/png", Path.of("/tmp/p"), 10);
        ObjectNode form = Fields.fromForm(Map.of("image_path", "https://example.com/a.png"));

        assertThatThrownBy(() -> LightX2vMapper.submission(form, file, "wan", Map.of()))
                .isInstanceOfSatisfying(HearthException.class, e -> assertThat(e.param()).isEqualTo("image_path"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"infer_steps\": \"many\"}             | infer_steps",
            "{\"infer_steps\": 0}                    | infer_steps",
            "{\"infer_steps\": 4.5}                  | infer_steps",
            "{\"target_shape\": [480]}               | target_shape",
            "{\"target_shape\": [480, 832, 3]}       | target_shape",
            "{\"target_shape\": [0, 832]}            | target_shape",
            "{\"target_shape\": \"480x832\"}         | target_shape",
            "{\"target_shape\": {\"h\": 480}}        | target_shape",
            "{\"target_video_length\": 0}            | target_video_length",
            "{\"target_video_length\": \"long\"}     | target_video_length",
            "{\"target_fps\": -1}                    | target_fps",
            "{\"seed\": \"lucky\"}                   | seed",
            "{\"use_prompt_enhancer\": \"maybe\"}    | use_prompt_enhancer",
            "{\"prompt\": 5}                         | prompt",
            "{\"negative_prompt\": [\"x\"]}          | negative_prompt",
            "{\"image_path\": 12}                    | image_path",
    })
    void submission_answers400NamingTheLightX2vField_whenAFieldIsBad(String json, String field) {
        assertThatThrownBy(() -> map(json)).isInstanceOfSatisfying(HearthException.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.param()).isEqualTo(field);
            assertThat(e.getMessage()).startsWith(field + ":");
        });
    }

    @Test
    void model_isOptional_andMustBeAString() {
        assertThat(LightX2vMapper.model(body("{}"))).isEmpty();
        assertThat(LightX2vMapper.model(body("{\"model\": \"wan\"}"))).contains("wan");
        assertThatThrownBy(() -> LightX2vMapper.model(body("{\"model\": 3}")))
                .isInstanceOfSatisfying(HearthException.class, e -> assertThat(e.param()).isEqualTo("model"));
    }

    @ParameterizedTest
    @CsvSource({"QUEUED, pending", "RUNNING, processing", "CANCELLING, processing", "SUCCEEDED, completed",
            "FAILED, failed", "CANCELLED, cancelled"})
    void state_namesEveryJobState_asLightX2vDoes(JobState state, String name) {
        assertThat(LightX2vMapper.state(state)).isEqualTo(name);
    }

    @Test
    void status_showsTaskManagerFields_plusProgressAndPosition() {
        var queued = TestJobs.json(
                LightX2vMapper.status(TestJobs.job(JobState.QUEUED, 0, "{}"), OptionalInt.of(3)));
        assertThat(queued.get("task_id").asText()).isEqualTo("j_abc");
        assertThat(queued.get("status").asText()).isEqualTo("pending");
        assertThat(queued.get("start_time").asText()).isEqualTo("2026-02-15T10:30:00+00:00");
        assertThat(queued.get("end_time").isNull()).isTrue();
        assertThat(queued.get("error").isNull()).isTrue();
        assertThat(queued.get("queue_position").asInt()).isEqualTo(3);
        assertThat(queued.get("save_result_path").asText()).isEqualTo("j_abc.mp4");

        var running = TestJobs.json(
                LightX2vMapper.status(TestJobs.job(JobState.RUNNING, 0.426, "{}"), OptionalInt.empty()));
        assertThat(running.get("progress").asInt()).isEqualTo(42);
        assertThat(running.get("start_time").asText()).isEqualTo("2026-02-15T10:30:05+00:00");
        assertThat(running.get("queue_position").isNull()).isTrue();

        var failed = TestJobs.json(LightX2vMapper.status(TestJobs.job("j_f", JobState.FAILED, 0.5, "{}", "oom", "out of memory"),
                OptionalInt.empty()));
        assertThat(failed.get("status").asText()).isEqualTo("failed");
        assertThat(failed.get("error").asText()).isEqualTo("oom: out of memory");
        assertThat(failed.get("end_time").asText()).isEqualTo("2026-02-15T10:31:05+00:00");

        var done = TestJobs.json(LightX2vMapper.status(TestJobs.job(JobState.SUCCEEDED, 1, "{}"), OptionalInt.empty()));
        assertThat(done.get("progress").asInt()).isEqualTo(100);
        assertThat(TestJobs.json(LightX2vMapper.created(TestJobs.job(JobState.QUEUED, 0, "{}"))).toString())
                .isEqualTo("{\"task_id\":\"j_abc\",\"task_status\":\"pending\",\"save_result_path\":\"j_abc.mp4\"}");
    }
}
