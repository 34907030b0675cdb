package dev.hearth.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.jobs.HistoryEntry;
import dev.hearth.jobs.JobState;
import dev.hearth.jobs.store.JobStore;
import dev.hearth.jobs.store.JobStores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Hearth killed with SIGKILL mid-job, started again on the same data dir: the job finishes exactly once. */
class KillNineTest {
    @TempDir
    Path dir;

    @Test
    void aJobRunningWhenHearthIsKilled_isRequeued_andFinishesExactlyOnce_afterARestart() throws Exception {
        Path config = dir.resolve("hearth.yaml");
        Files.writeString(config, """
                server:
                  listen: 127.0.0.1:0
                  data_dir: %s
                  job_lease: 3s
                models:
                  testsrc:
                    engine: testsrc
                """.formatted(dir.resolve("data")));
        String id;
        try (HearthProcess first = new HearthProcess(config, dir.resolve("first.log"))) {
            Jobs jobs = new Jobs(first.base);
            id = jobs.submit("{\"model\":\"testsrc\",\"prompt\":\"survive\",\"params\":{\"size\":\"160x96\","
                    + "\"fps\":8,\"seconds\":2,\"hold\":true}}").path("id").asText();
            JsonNode mid = jobs.await(id, Duration.ofSeconds(60),
                    j -> j.path("progress").asDouble() > 0.05 || Jobs.terminal(j));
            assertThat(mid.path("state").asText()).as("still running when killed").isEqualTo("running");

            first.kill9();
        }
        Jobs.release(dir.resolve("data"), id); // held until now: killed mid-job whatever the machine's speed

        try (HearthProcess second = new HearthProcess(config, dir.resolve("second.log"))) {
            Jobs jobs = new Jobs(second.base);
            JsonNode done = jobs.await(id, Duration.ofSeconds(120), Jobs::terminal);

            assertThat(done.path("state").asText()).as("job %s\n%s", done, second.output()).isEqualTo("succeeded");
            assertThat(done.path("attempts").asInt()).isEqualTo(1);
            JsonNode probe = Jobs.probe(Path.of(dir.resolve("data/outputs").resolve(id).resolve("video.mp4").toString()));
            assertThat(probe.path("codec_name").asText()).isEqualTo("h264");
            assertThat(probe.path("width").asInt()).isEqualTo(160);
            assertThat(probe.path("nb_read_frames").asInt()).isEqualTo(16);
        }

        try (JobStore store = JobStores.openSqlite(dir.resolve("data/jobs.db"), "test")) {
            List<HistoryEntry> history = store.history(id);
            assertThat(history).extracting(HistoryEntry::to).containsExactly(JobState.QUEUED, JobState.RUNNING,
                    JobState.QUEUED, JobState.RUNNING, JobState.SUCCEEDED);
            assertThat(history.get(2).reason()).contains("lease lost");
            assertThat(history.get(1).node()).isNotEqualTo(history.get(3).node());
            assertThat(store.get(id).orElseThrow().outputs()).extracting(o -> o.name())
                    .containsExactlyInAnyOrder("video.mp4", "thumbnail.jpg");
        }
    }

    @Test
    void aJobRunningWhenHearthStopsGracefully_isQueuedAgain_withoutLosingAnAttempt() {
        String id;
        try (TestHearth h = new TestHearth(dir, "", JobsApiTest.TESTSRC)) {
            Jobs jobs = new Jobs(h.hearth.baseUri());
            id = jobs.submit("{\"model\":\"testsrc\",\"prompt\":\"interrupted\"," + JobsApiTest.HELD + "}")
                    .path("id").asText();
            jobs.await(id, Duration.ofSeconds(60), j -> j.path("progress").asDouble() > 0 || Jobs.terminal(j));
        } // close(): the scheduler stops the worker under the job

        try (JobStore store = JobStores.openSqlite(dir.resolve("data/jobs.db"), "test")) {
            var job = store.get(id).orElseThrow();
            assertThat(job.state()).isEqualTo(JobState.QUEUED);
            assertThat(job.attempts().count()).isZero();
            assertThat(store.history(id).getLast().reason()).contains("Hearth stopping");
        }
    }
}
