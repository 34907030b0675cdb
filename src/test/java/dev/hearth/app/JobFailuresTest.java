package dev.hearth.app;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Jobs whose worker misbehaves, with {@code engine: worker} running small shell scripts that are
 * fake workers: they speak just enough of the protocol (ready, then read one job) to crash or go silent.
 */
class JobFailuresTest {
    private static final String READY = "echo '{\"type\":\"ready\",\"protocol\":1,\"tasks\":[\"t2v\",\"i2v\"]}'\nread line\n";

    @TempDir
    Path dir;

    private String fakeWorker(String name, String afterJob) throws Exception {
        Path script = dir.resolve(name);
        Files.writeString(script, READY + afterJob);
        return "sh " + script;
    }

    // regression (the log part): the job's error showed the worker's last log lines to any client
    @Test
    void aWorkerCrash_requeuesTheJob_thenFailsIt_atMaxAttempts_withItsLogLinesOnlyForAdmins() throws Exception {
        String cmd = fakeWorker("fake-crashing-worker.sh", "echo 'fake worker: out of memory, exiting' >&2\nexit 3\n");
        try (TestHearth h = new TestHearth(dir, "", """
                crashy:
                  engine: worker
                  cmd: %s
                  memory: 1MiB
                  max_attempts: 2
                """.formatted(cmd))) {
            Jobs jobs = new Jobs(h.hearth.baseUri());
            String id = jobs.submit("{\"model\":\"crashy\",\"prompt\":\"x\"}").path("id").asText();

            JsonNode end = jobs.awaitState(id, "failed", Duration.ofSeconds(60));

            assertThat(end.path("error").path("code").asText()).isEqualTo("worker_crashed");
            assertThat(end.path("error").path("message").asText()).contains("exit").contains("code 3")
                    .contains("/api/models/crashy/logs")
                    .doesNotContain("fake worker: out of memory, exiting");
            assertThat(h.get("/api/models/crashy/logs").body()).contains("fake worker: out of memory, exiting");
            assertThat(end.path("attempts").asInt()).isEqualTo(2);
        }
    }

    // regression: job errors showed absolute server paths (the data dir's layout) to any client
    @Test
    void JobErrors_showTheFileName_notTheAbsoluteServerPath_whenTheWorkerNamesAFile() throws Exception {
        String cmd = fakeWorker("fake-path-worker.sh", """
                id=$(printf '%s' "$line" | sed 's/.*"job":"\\([^"]*\\)".*/\\1/')
                out=$(printf '%s' "$line" | sed 's/.*"output_dir":"\\([^"]*\\)".*/\\1/')
                echo "{\\"type\\":\\"error\\",\\"job\\":\\"$id\\",\\"code\\":\\"bad_output\\",\\"message\\":\\"cannot write $out/video.mp4\\"}"
                read next
                """);
        try (TestHearth h = new TestHearth(dir, "", """
                pathy:
                  engine: worker
                  cmd: %s
                  memory: 1MiB
                  max_attempts: 1
                """.formatted(cmd))) {
            Jobs jobs = new Jobs(h.hearth.baseUri());
            String id = jobs.submit("{\"model\":\"pathy\",\"prompt\":\"x\"}").path("id").asText();

            JsonNode end = jobs.awaitState(id, "failed", Duration.ofSeconds(60));

            assertThat(end.path("error").path("message").asText()).as(end.toString())
                    .contains("cannot write …/video.mp4")
                    .doesNotContain(dir.toString());
        }
    }

    @Test
    void aSilentWorker_isStopped_afterStallTimeout_andTheJobFailsAsStalled() throws Exception {
        String cmd = fakeWorker("fake-silent-worker.sh", "echo 'fake worker: going silent' >&2\nsleep 600\n");
        try (TestHearth h = new TestHearth(dir, "", """
                silent:
                  engine: worker
                  cmd: %s
                  memory: 1MiB
                  stall_timeout: 1s
                """.formatted(cmd))) {
            Jobs jobs = new Jobs(h.hearth.baseUri());
            String id = jobs.submit("{\"model\":\"silent\",\"prompt\":\"x\"}").path("id").asText();

            JsonNode end = jobs.awaitState(id, "failed", Duration.ofSeconds(60));

            assertThat(end.path("error").path("code").asText()).isEqualTo("stalled");
        }
    }

    @Test
    void aQueuedJob_hasAnEta_fromTheConfiguredPrior() {
        try (TestHearth h = new TestHearth(dir, "", JobsApiTest.TESTSRC + "  seconds_per_unit: 0.5\n")) {
            Jobs jobs = new Jobs(h.hearth.baseUri());
            String running = jobs.submit("{\"model\":\"testsrc\",\"prompt\":\"a\"," + JobsApiTest.HELD + "}")
                    .path("id").asText();
            jobs.awaitState(running, "running", Duration.ofSeconds(60));
            JsonNode queued = jobs.submit("{\"model\":\"testsrc\",\"prompt\":\"b\"}"); // 8 fps × 1 s = 8 units

            assertThat(queued.path("queue_position").asInt()).isEqualTo(1);
            // itself and the running job ahead of it, at its own size: 2 × 8 units × 0.5 s
            assertThat(queued.path("eta_seconds").asLong()).isEqualTo(8);
            JsonNode r = jobs.get(running);
            assertThat(r.path("queue_position").isNull()).isTrue();
            assertThat(r.path("eta_seconds").asLong()).isPositive().isLessThanOrEqualTo(1800);
            jobs.cancel(running);
            jobs.cancel(queued.path("id").asText());
        }
    }

    @Test
    void retention_removesAFinishedJob_andItsFiles_onceItIsOlderThanRetention() {
        try (TestHearth h = new TestHearth(dir, "retention: 2s", JobsApiTest.TESTSRC)) {
            Jobs jobs = new Jobs(h.hearth.baseUri());
            String id = jobs.submit("{\"model\":\"testsrc\",\"prompt\":\"short-lived\"}").path("id").asText();
            jobs.awaitState(id, "succeeded", Duration.ofSeconds(60));
            assertThat(Files.isDirectory(dir.resolve("data/outputs").resolve(id))).isTrue();

            // retention deletes the row first, then the files: a 404 alone does not mean the files are gone yet
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> h.get("/v1/jobs/" + id).statusCode() == 404
                            && !Files.exists(dir.resolve("data/outputs").resolve(id)));
        }
    }
}
