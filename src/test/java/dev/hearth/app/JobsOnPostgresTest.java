package dev.hearth.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dispatcher on a real PostgreSQL queue (a fresh schema), as several nodes would share it.
 * Like the store's PostgreSQL tests: skipped locally without HEARTH_TEST_PG_URL, failed in CI.
 */
class JobsOnPostgresTest {
    @TempDir
    Path dir;
    private String schema;

    private String database() {
        TestPostgres.url("PostgreSQL dispatcher test");
        schema = TestPostgres.createSchema("jobs_e2e");
        return TestPostgres.withSchema(schema);
    }

    @AfterEach
    void dropSchema() {
        TestPostgres.dropSchema(schema);
    }

    @Test
    void jobs_runToTheEnd_onAPostgresQueue() {
        String db = database();
        try (TestHearth h = new TestHearth(dir, "database: \"" + db + "\"", JobsApiTest.TESTSRC)) {
            Jobs jobs = new Jobs(h.hearth.baseUri());
            String a = jobs.submit("{\"model\":\"testsrc\",\"prompt\":\"first\"}").path("id").asText();
            String b = jobs.submit("{\"model\":\"testsrc\",\"prompt\":\"second\"}").path("id").asText();

            JsonNode doneA = jobs.awaitState(a, "succeeded", Duration.ofSeconds(60));
            JsonNode doneB = jobs.awaitState(b, "succeeded", Duration.ofSeconds(60));

            assertThat(doneA.path("outputs").findValuesAsText("name")).contains("video.mp4");
            assertThat(doneB.path("outputs").findValuesAsText("name")).contains("video.mp4");
            // FIFO: the first submitted started first
            assertThat(java.time.Instant.parse(doneA.path("started_at").asText()))
                    .isBeforeOrEqualTo(java.time.Instant.parse(doneB.path("started_at").asText()));
        }
    }
}
