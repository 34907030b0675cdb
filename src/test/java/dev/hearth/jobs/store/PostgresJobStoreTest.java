package dev.hearth.jobs.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Locale;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

/**
 * The contract on a real PostgreSQL, a fresh schema per test. Set HEARTH_TEST_PG_URL (for example
 * {@code export HEARTH_TEST_PG_URL="$(.ci/start-postgres)"}); without it the class is skipped
 * locally but fails in CI, so a broken CI setup cannot pass quietly.
 */
class PostgresJobStoreTest extends JobStoreContract {
    private static String baseUrl;
    private String schema;

    @BeforeAll
    static void requirePostgres() {
        baseUrl = System.getenv("HEARTH_TEST_PG_URL");
        if (baseUrl == null || baseUrl.isBlank()) {
            String why = "HEARTH_TEST_PG_URL is not set; run: export HEARTH_TEST_PG_URL=\"$(.ci/start-postgres)\"";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) fail("CI=true but " + why);
            abort("PostgreSQL job-store tests skipped: " + why);
        }
    }

    @Override
    public JobStore open(String node) {
        if (schema == null) {
            schema = "jobs_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
            exec("CREATE SCHEMA " + schema);
        }
        return JobStores.open(baseUrl + (baseUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema,
                Path.of("unused"), node);
    }

    @AfterEach
    void dropSchema() {
        closeStores(); // JUnit runs the contract's @AfterEach after this one; close before dropping
        if (schema != null) exec("DROP SCHEMA " + schema + " CASCADE");
    }

    @Test
    void open_choosesPostgres_forAJdbcPostgresqlUrl() {
        assertThat(store).isInstanceOf(PostgresJobStore.class);
    }

    private static void exec(String sql) {
        try (Connection c = DriverManager.getConnection(baseUrl)) {
            c.createStatement().execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }
}
