package dev.hearth.app;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.Json;
import dev.hearth.jobs.Dialect;
import dev.hearth.jobs.Job;
import dev.hearth.jobs.JobService;
import dev.hearth.jobs.JobState;
import dev.hearth.jobs.OutputNotFoundException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The job service through a real Hearth with the real testsrc worker child and a real SQLite file. */
class JobServiceTest {
    static final String TESTSRC = """
            testsrc:
              engine: testsrc
              defaults: { size: 160x96, fps: 8, seconds: 1 }
            """;

    @TempDir
    Path dir;

    static JobService.Submission submission(String model, String prompt, Map<String, Object> params) {
        ObjectNode p = Json.MAPPER.valueToTree(params);
        p.put("prompt", prompt);
        return new JobService.Submission(model, null, Dialect.NATIVE, p, Map.of(), 0, false, Map.of());
    }

    @Test
    void submit_runsTheJobOnTheTestsrcWorker_andStoresItsVideoAndThumbnail() {
        try (TestHearth h = new TestHearth(dir, "", TESTSRC)) {
            JobService jobs = h.hearth.jobs();
            Job queued = jobs.submit(submission("testsrc", "a red fox", Map.of("seconds", 1)));
            assertThat(queued.state()).isEqualTo(JobState.QUEUED);
            assertThat(queued.task()).isEqualTo("t2v");

            Job done = await().atMost(Duration.ofSeconds(60)).until(() -> jobs.get(queued.id()), j -> j.state().terminal());

            assertThat(done.state()).as("error: %s", done.failure()).isEqualTo(JobState.SUCCEEDED);
            assertThat(done.progress().fraction()).isEqualTo(1.0);
            assertThat(done.outputs()).extracting(o -> o.name()).containsExactlyInAnyOrder("video.mp4", "thumbnail.jpg");
            Path video = jobs.output(done.id(), "video.mp4").file().orElseThrow();
            assertThat(video).startsWith(dir.resolve("data/outputs"));
            assertThat(Files.isRegularFile(video)).isTrue();
            assertThatThrownBy(() -> jobs.output(done.id(), "nope.mp4")).isInstanceOf(OutputNotFoundException.class);
        }
    }
}
