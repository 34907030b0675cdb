package dev.hearth.api.videosdgx;

import dev.hearth.api.TestJobs;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.HearthException;
import dev.hearth.Json;
import dev.hearth.jobs.Dialect;
import dev.hearth.jobs.JobService;
import dev.hearth.jobs.JobService.InputSource;
import dev.hearth.jobs.JobService.Submission;
import dev.hearth.jobs.JobState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VideosDgxMapperTest {
    private static Submission map(String json) {
        return VideosDgxMapper.submission(Json.parseObject(json.getBytes()), "ltx2");
    }

    @Test
    void submission_mapsTheReadmesGenerateFields_toHearthParams() {
        Submission s = map("""
                {"prompt": "A cat walking on a beach at sunset", "duration": 5, "resolution": "1024x576",
                 "fps": 24, "seed": 42, "guidance_scale": 7.5, "negative_prompt": "blur",
                 "num_inference_steps": 30, "image": "data:image/png;base64,AAAA"}""");

        assertThat(s.model()).isEqualTo("ltx2");
        assertThat(s.dialect()).isEqualTo(Dialect.VIDEOSDGX);
        assertThat(s.task()).isNull();
        assertThat(s.enhancePrompt()).isFalse();
        assertThat(s.params().toString()).isEqualTo("{\"prompt\":\"A cat walking on a beach at sunset\","
                + "\"negative_prompt\":\"blur\",\"seconds\":5.0,\"size\":\"1024x576\",\"fps\":24,\"steps\":30,"
                + "\"guidance_scale\":7.5,\"seed\":42}");
        assertThat(s.inputs()).containsExactly(Map.entry("image",
                new InputSource.Reference("image", "data:image/png;base64,AAAA")));
        assertThat(s.paramName()).containsEntry("size", "resolution").containsEntry("seconds", "duration")
                .containsEntry("steps", "num_inference_steps");
    }

    @Test
    void submission_needsOnlyAPrompt() {
        Submission s = map("{\"prompt\": \"x\", \"seed\": null}");

        assertThat(s.params().toString()).isEqualTo("{\"prompt\":\"x\"}");
        assertThat(s.inputs()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{}                                       | prompt",
            "{\"prompt\": \"  \"}                     | prompt",
            "{\"prompt\": \"x\", \"duration\": 0}     | duration",
            "{\"prompt\": \"x\", \"duration\": \"a\"} | duration",
            "{\"prompt\": \"x\", \"resolution\": \"big\"}      | resolution",
            "{\"prompt\": \"x\", \"resolution\": \"0x576\"}    | resolution",
            "{\"prompt\": \"x\", \"resolution\": [1024, 576]}  | resolution",
            "{\"prompt\": \"x\", \"fps\": \"fast\"}            | fps",
            "{\"prompt\": \"x\", \"fps\": 0}                   | fps",
            "{\"prompt\": \"x\", \"seed\": 1.5}                | seed",
            "{\"prompt\": \"x\", \"guidance_scale\": -1}       | guidance_scale",
            "{\"prompt\": \"x\", \"guidance_scale\": true}     | guidance_scale",
            "{\"prompt\": \"x\", \"num_inference_steps\": 0}   | num_inference_steps",
            "{\"prompt\": \"x\", \"image\": 3}                 | image",
    })
    void submission_answers400NamingTheVideosDgxField_whenAFieldIsBad(String json, String field) {
        assertThatThrownBy(() -> map(json)).isInstanceOfSatisfying(HearthException.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.param()).isEqualTo(field);
        });
    }

    @ParameterizedTest
    @CsvSource({"QUEUED, queued", "RUNNING, processing", "CANCELLING, processing", "SUCCEEDED, completed",
            "FAILED, failed", "CANCELLED, failed"})
    void state_namesEveryJobState_asVideosDgxDoes(JobState state, String name) {
        assertThat(VideosDgxMapper.state(state)).isEqualTo(name);
    }

    @Test
    void created_answersTheReadmesGenerateShape() {
        ObjectNode o = TestJobs.json(VideosDgxMapper.created(TestJobs.job(JobState.QUEUED, 0, "{}"),
                new JobService.Position(OptionalInt.of(1), OptionalLong.of(60)), false));

        assertThat(o.toString()).isEqualTo("{\"job_id\":\"j_abc\",\"status\":\"queued\",\"queue_position\":1,"
                + "\"estimated_time_seconds\":60,\"model_loaded\":false}");
        assertThat(TestJobs.json(VideosDgxMapper.created(TestJobs.job(JobState.RUNNING, 0, "{}"),
                new JobService.Position(OptionalInt.empty(), OptionalLong.empty()), true)).toString())
                .isEqualTo("{\"job_id\":\"j_abc\",\"status\":\"processing\",\"queue_position\":null,"
                        + "\"estimated_time_seconds\":null,\"model_loaded\":true}");
    }

    @Test
    void job_showsTheReadmesFields_withProgressAndOutputOnceCompleted() {
        String params = "{\"prompt\":\"a cat\",\"seconds\":5,\"size\":\"1024x576\",\"fps\":24,\"seed\":42}";
        ObjectNode running = TestJobs.json(
                VideosDgxMapper.job(TestJobs.job(JobState.RUNNING, 0.45, params), OptionalInt.empty(), "/d"));

        assertThat(running.get("job_id").asText()).isEqualTo("j_abc");
        assertThat(running.get("model_name").asText()).isEqualTo("wan");
        assertThat(running.get("status").asText()).isEqualTo("processing");
        assertThat(running.get("prompt").asText()).isEqualTo("a cat");
        assertThat(running.get("duration").asInt()).isEqualTo(5);
        assertThat(running.get("created_at").asText()).isEqualTo("2026-02-15T10:30:00+00:00");
        assertThat(running.get("started_at").asText()).isEqualTo("2026-02-15T10:30:05+00:00");
        assertThat(running.get("completed_at").isNull()).isTrue();
        assertThat(running.get("output_path").isNull()).isTrue();
        assertThat(running.get("download_url").isNull()).isTrue();
        assertThat(running.get("error").isNull()).isTrue();
        assertThat(running.get("progress").asInt()).isEqualTo(45);
        assertThat(running.get("resolution").asText()).isEqualTo("1024x576");

        ObjectNode done = TestJobs.json(
                VideosDgxMapper.job(TestJobs.job(JobState.SUCCEEDED, 1, params), OptionalInt.empty(), "/d"));
        assertThat(done.get("status").asText()).isEqualTo("completed");
        assertThat(done.get("output_path").asText()).isEqualTo("/data/outputs/j_abc/video.mp4");
        assertThat(done.get("download_url").asText()).isEqualTo("/d");
        assertThat(done.get("completed_at").asText()).isEqualTo("2026-02-15T10:31:05+00:00");
        assertThat(done.get("progress").asInt()).isEqualTo(100);

        ObjectNode cancelled = TestJobs.json(VideosDgxMapper.job(
                TestJobs.job("j_c", JobState.CANCELLED, 0.2, "{}", null, null), OptionalInt.empty(), "/d"));
        assertThat(cancelled.get("status").asText()).isEqualTo("failed");
        assertThat(cancelled.get("error").asText()).isEqualTo("cancelled");
        assertThat(cancelled.get("duration").isNull()).isTrue();
    }
}
