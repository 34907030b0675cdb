package dev.hearth.api.jobs;

import dev.hearth.Json;
import dev.hearth.api.TestJobs;
import dev.hearth.jobs.JobService;
import dev.hearth.jobs.JobState;
import org.junit.jupiter.api.Test;

import java.util.OptionalInt;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The native job's bytes on the wire, as the hand-built ObjectNode wrote them before the records. */
class JobJsonTest {
    private static String wire(Object dto) {
        return new String(Json.bytes(dto));
    }

    @Test
    void of_writesEveryFieldInOrder_withNullsAndTheOwnerOnlyForAdmins() {
        var done = TestJobs.job("j_s", JobState.SUCCEEDED, 0.5,
                "{\"seconds\":5.0625,\"size\":\"832x480\",\"fps\":16,\"guidance_scale\":5.0}", "oom", "out of memory");
        var position = new JobService.Position(OptionalInt.of(2), OptionalLong.of(30));

        assertThat(wire(JobJson.of(done, position, true))).isEqualTo("{\"id\":\"j_s\",\"object\":\"job\","
                + "\"model\":\"wan\",\"task\":\"t2v\",\"dialect\":\"native\",\"owner\":null,\"state\":\"succeeded\","
                + "\"progress\":0.5,\"stage\":null,\"step\":0,\"steps\":0,\"queue_position\":2,\"eta_seconds\":30,"
                + "\"priority\":0,\"attempts\":0,\"max_attempts\":3,\"prompt\":\"a cat\",\"original_prompt\":\"a cat\","
                + "\"params\":{\"seconds\":5.0625,\"size\":\"832x480\",\"fps\":16,\"guidance_scale\":5.0},\"inputs\":[],"
                + "\"outputs\":[{\"name\":\"video.mp4\",\"url\":\"/v1/jobs/j_s/outputs/video.mp4\","
                + "\"content_type\":\"video/mp4\",\"size\":1234,\"sha256\":\"ab\"},{\"name\":\"thumbnail.jpg\","
                + "\"url\":\"/v1/jobs/j_s/outputs/thumbnail.jpg\",\"content_type\":\"image/jpeg\",\"size\":99,"
                + "\"sha256\":\"cd\"}],\"error\":{\"code\":\"oom\",\"message\":\"out of memory\"},"
                + "\"created_at\":\"2026-02-15T10:30:00.250Z\",\"started_at\":\"2026-02-15T10:30:05Z\","
                + "\"finished_at\":\"2026-02-15T10:31:05Z\",\"updated_at\":\"2026-02-15T10:30:00.250Z\"}");
        assertThat(wire(JobJson.of(TestJobs.job(JobState.QUEUED, 0.426, "{}"), null, false))).isEqualTo(
                "{\"id\":\"j_abc\",\"object\":\"job\",\"model\":\"wan\",\"task\":\"t2v\",\"dialect\":\"native\","
                + "\"state\":\"queued\",\"progress\":0.426,\"stage\":null,\"step\":0,\"steps\":0,\"queue_position\":null,"
                + "\"eta_seconds\":null,\"priority\":0,\"attempts\":0,\"max_attempts\":3,\"prompt\":\"a cat\","
                + "\"original_prompt\":\"a cat\",\"params\":{},\"inputs\":[],\"outputs\":[],\"error\":null,"
                + "\"created_at\":\"2026-02-15T10:30:00.250Z\",\"started_at\":null,\"finished_at\":null,"
                + "\"updated_at\":\"2026-02-15T10:30:00.250Z\"}");
    }
}
