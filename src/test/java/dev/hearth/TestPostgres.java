package dev.hearth;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Locale;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

/**
 * The PostgreSQL the tests share (HEARTH_TEST_PG_URL; {@code .ci/start-postgres} starts a throwaway
 * one): a test without it is skipped locally and fails in CI, so a broken CI setup cannot pass
 * quietly. Each test works in a fresh schema of its own.
 */
public final class TestPostgres {
    private TestPostgres() {}

    /** The database's URL, or the test ends here: skipped (locally) or failed (CI=true), saying why. */
    public static String url(String what) {
        String base = System.getenv("HEARTH_TEST_PG_URL");
        if (base == null || base.isBlank()) {
            String why = "HEARTH_TEST_PG_URL is not set; run: export HEARTH_TEST_PG_URL=\"$(.ci/start-postgres)\"";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) fail("CI=true but " + why);
            abort(what + " skipped: " + why);
        }
        return base;
    }

    /** A new schema named {@code prefix} and a random tail. */
    public static String createSchema(String prefix) {
        String schema = prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12)
                .toLowerCase(Locale.ROOT);
        exec(url("PostgreSQL"), "CREATE SCHEMA " + schema);
        return schema;
    }

    /** The database's URL with {@code schema} as the current one. */
    public static String withSchema(String schema) {
        String base = url("PostgreSQL");
        return base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    /** Drops it and all in it; null does nothing (the test ended before creating one). */
    public static void dropSchema(String schema) {
        if (schema != null) exec(System.getenv("HEARTH_TEST_PG_URL"), "DROP SCHEMA " + schema + " CASCADE");
    }

    public static void exec(String url, String sql) {
        try (Connection c = DriverManager.getConnection(url)) {
            c.createStatement().execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }
}
