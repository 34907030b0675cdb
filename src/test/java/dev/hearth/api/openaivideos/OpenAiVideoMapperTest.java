package dev.hearth.api.openaivideos;

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
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OpenAiVideoMapperTest {
    private static ObjectNode body(String json) {
        return Json.parseObject(json.getBytes());
    }

    private static Submission map(String json) {
        return OpenAiVideoMapper.submission(body(json), null, "wan");
    }

    @Test
    void submission_mapsPromptSecondsSizeAndReference() {
        Submission s = map("{\"model\": \"wan\", \"prompt\": \"a fox\", \"seconds\": \"8\", \"size\": \"1280x720\","
                + " \"input_reference\": \"https://example.com/fox.png\"}");

        assertThat(s.model()).isEqualTo("wan");
        assertThat(s.dialect()).isEqualTo(Dialect.OPENAI);
        assertThat(s.params().toString()).isEqualTo("{\"prompt\":\"a fox\",\"seconds\":8.0,\"size\":\"1280x720\"}");
        assertThat(s.inputs()).containsExactly(Map.entry("image",
                new InputSource.Reference("input_reference", "https://example.com/fox.png")));
        assertThat(s.paramName()).containsEntry("image", "input_reference");
    }

    @Test
    void seconds_acceptsANumberToo_andReferenceAsImageUrlObject() {
        Submission s = map("{\"prompt\": \"a\", \"seconds\": 4, \"input_reference\": {\"image_url\": \"data:image/png;base64,AA\"}}");

        assertThat(s.params().get("seconds").asDouble()).isEqualTo(4.0);
        assertThat(s.inputs().get("image")).isEqualTo(new InputSource.Reference("input_reference", "data:image/png;base64,AA"));
    }

    @Test
    void submission_takesTheMultipartFile_asTheImage() {
        Multipart.Upload file = new Multipart.Upload("input_reference", "f.png", "image/png", Path.of("/tmp/p"), 5);

        Submission s = OpenAiVideoMapper.submission(Fields.fromForm(Map.of("prompt", "a", "seconds", "12")), file, "wan");

        assertThat(s.params().get("seconds").asDouble()).isEqualTo(12.0);
        assertThat(s.inputs()).containsExactly(Map.entry("image", new InputSource.Upload(file)));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{}                                              | prompt",
            "{\"prompt\": 1}                                 | prompt",
            "{\"prompt\": \"a\", \"seconds\": \"eight\"}     | seconds",
            "{\"prompt\": \"a\", \"seconds\": \"0\"}         | seconds",
            "{\"prompt\": \"a\", \"seconds\": -4}            | seconds",
            "{\"prompt\": \"a\", \"size\": \"1280*720\"}     | size",
            "{\"prompt\": \"a\", \"size\": 720}              | size",
            "{\"prompt\": \"a\", \"input_reference\": 5}     | input_reference",
            "{\"prompt\": \"a\", \"input_reference\": {}}    | input_reference",
    })
    void submission_answers400NamingTheOpenAiField_whenAFieldIsBad(String json, String field) {
        assertThatThrownBy(() -> map(json)).isInstanceOfSatisfying(HearthException.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.param()).isEqualTo(field);
        });
    }

    @ParameterizedTest
    @CsvSource({"QUEUED, queued", "RUNNING, in_progress", "CANCELLING, in_progress", "SUCCEEDED, completed",
            "FAILED, failed", "CANCELLED, failed"})
    void state_namesEveryJobState_asOpenAiDoes(JobState state, String name) {
        assertThat(OpenAiVideoMapper.state(state)).isEqualTo(name);
    }

    @Test
    void video_isOpenAisVideoObject() {
        String params = "{\"prompt\":\"a cat\",\"seconds\":8,\"size\":\"1280x720\"}";
        ObjectNode queued = TestJobs.json(
                OpenAiVideoMapper.video(TestJobs.job(JobState.QUEUED, 0, params), Duration.ofDays(7)));

        assertThat(queued.get("id").asText()).isEqualTo("j_abc");
        assertThat(queued.get("object").asText()).isEqualTo("video");
        assertThat(queued.get("model").asText()).isEqualTo("wan");
        assertThat(queued.get("status").asText()).isEqualTo("queued");
        assertThat(queued.get("progress").asInt()).isZero();
        assertThat(queued.get("created_at").asLong()).isEqualTo(TestJobs.CREATED.getEpochSecond());
        assertThat(queued.get("completed_at").isNull()).isTrue();
        assertThat(queued.get("expires_at").isNull()).isTrue();
        assertThat(queued.get("seconds").asText()).isEqualTo("8");
        assertThat(queued.get("size").asText()).isEqualTo("1280x720");
        assertThat(queued.get("error").isNull()).isTrue();
        assertThat(queued.has("remixed_from_video_id")).isTrue();

        ObjectNode done = TestJobs.json(
                OpenAiVideoMapper.video(TestJobs.job(JobState.SUCCEEDED, 1, params), Duration.ofDays(7)));
        assertThat(done.get("status").asText()).isEqualTo("completed");
        assertThat(done.get("progress").asInt()).isEqualTo(100);
        assertThat(done.get("completed_at").asLong()).isEqualTo(TestJobs.FINISHED.getEpochSecond());
        assertThat(done.get("expires_at").asLong()).isEqualTo(TestJobs.FINISHED.plus(Duration.ofDays(7)).getEpochSecond());
        assertThat(TestJobs.json(OpenAiVideoMapper.video(TestJobs.job(JobState.SUCCEEDED, 1, params), Duration.ZERO))
                .get("expires_at").isNull()).isTrue();

        ObjectNode failed = TestJobs.json(
                OpenAiVideoMapper.video(TestJobs.job("j_f", JobState.FAILED, 0.3, params, "oom", "no memory"), null));
        assertThat(failed.get("status").asText()).isEqualTo("failed");
        assertThat(failed.get("error").toString()).isEqualTo("{\"code\":\"oom\",\"message\":\"no memory\"}");
        ObjectNode cancelled = TestJobs.json(
                OpenAiVideoMapper.video(TestJobs.job("j_c", JobState.CANCELLED, 0.3, params, null, null), null));
        assertThat(cancelled.get("error").get("code").asText()).isEqualTo("cancelled");

        ObjectNode fractional = TestJobs.json(
                OpenAiVideoMapper.video(TestJobs.job(JobState.RUNNING, 0.5, "{\"seconds\":5.0625}"), null));
        assertThat(fractional.get("seconds").asText()).isEqualTo("5.0625");
        assertThat(fractional.get("status").asText()).isEqualTo("in_progress");
    }

    @Test
    void list_givesCursorsAndHasMore() {
        var a = TestJobs.job("j_a", JobState.QUEUED, 0, "{}", null, null);
        var b = TestJobs.job("j_b", JobState.QUEUED, 0, "{}", null, null);

        ObjectNode page = TestJobs.json(OpenAiVideoMapper.list(List.of(a, b), true, null));

        assertThat(page.get("object").asText()).isEqualTo("list");
        assertThat(page.get("data")).hasSize(2);
        assertThat(page.get("first_id").asText()).isEqualTo("j_a");
        assertThat(page.get("last_id").asText()).isEqualTo("j_b");
        assertThat(page.get("has_more").asBoolean()).isTrue();
        ObjectNode empty = TestJobs.json(OpenAiVideoMapper.list(List.of(), false, null));
        assertThat(empty.get("first_id").isNull()).isTrue();
        assertThat(TestJobs.json(OpenAiVideoMapper.deleted("j_a")).toString())
                .isEqualTo("{\"id\":\"j_a\",\"object\":\"video.deleted\",\"deleted\":true}");
    }
}
