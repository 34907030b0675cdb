package dev.hearth.app;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

/**
 * The dispatcher on a real PostgreSQL queue (a fresh schema), as several nodes would share it.
 * Like the store's PostgreSQL tests: skipped locally without HEARTH_TEST_PG_URL, failed in CI.
 */
class JobsOnPostgresTest {
    @TempDir
    Path dir;
    private String schema;

    private String database() {
        String base = System.getenv("HEARTH_TEST_PG_URL");
        if (base == null || base.isBlank()) {
            String why = "HEARTH_TEST_PG_URL is not set; run: export HEARTH_TEST_PG_URL=\"$(.ci/start-postgres)\"";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) fail("CI=true but " + why);
            abort("PostgreSQL dispatcher test skipped: " + why);
        }
        schema = "jobs_e2e_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
        exec(base, "CREATE SCHEMA " + schema);
        return base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    @AfterEach
    void dropSchema() {
        if (schema != null) exec(System.getenv("HEARTH_TEST_PG_URL"), "DROP SCHEMA " + schema + " CASCADE");
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

    private static void exec(String url, String sql) {
        try (Connection c = DriverManager.getConnection(url)) {
            c.createStatement().execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }
}
