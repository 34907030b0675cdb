package dev.hearth.jobs.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

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
        baseUrl = dev.hearth.TestPostgres.url("PostgreSQL job-store tests");
    }

    @Override
    public JobStore open(String node) {
        if (schema == null) {
            schema = dev.hearth.TestPostgres.createSchema("jobs_test");
        }
        return JobStores.open(dev.hearth.TestPostgres.withSchema(schema), Path.of("unused"), node);
    }

    @AfterEach
    void dropSchema() {
        closeStores(); // JUnit runs the contract's @AfterEach after this one; close before dropping
        dev.hearth.TestPostgres.dropSchema(schema);
    }

    @Test
    void open_choosesPostgres_forAJdbcPostgresqlUrl() {
        assertThat(store).isInstanceOf(PostgresJobStore.class);
    }
}
