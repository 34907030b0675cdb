package dev.hearth.jobs.store;

import dev.hearth.StorageFullException;
import dev.hearth.Tmpfs;
import dev.hearth.jobs.Dialect;
import dev.hearth.jobs.Job;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PostgreSQL out of disk for real: the job tables live in a tablespace on a small tmpfs that is
 * then filled. An insert answers the named 507 (SQLSTATE 53100), and the store works again once
 * space is freed. Needs HEARTH_TEST_PG_URL on this machine and root (to mount); skipped locally
 * without them, failed when CI=true.
 */
class PostgresStorageFullTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path dir;

    @Test
    void PostgresJobStore_answers507_andRecovers_whenItsDiskIsFull() throws Exception {
        String base = dev.hearth.TestPostgres.url("PostgreSQL disk-full test");
        String id = UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
        String schema = "jobs_full_" + id;
        String space = "hearth_full_" + id;
        Path location = dir.resolve("pg");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x")); // the server passes through
        try (Tmpfs disk = Tmpfs.mount(location, "8m")) {
            // the server creates its files there as its own user
            Files.setOwner(location, Files.getOwner(Path.of(query(base, "SHOW data_directory"))));
            exec(base, "CREATE TABLESPACE " + space + " LOCATION '" + location + "'");
            exec(base, "CREATE SCHEMA " + schema);
            String url = base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema + "&options="
                    + URLEncoder.encode("-c default_tablespace=" + space, StandardCharsets.UTF_8);
            try (JobStore store = JobStores.open(url, Path.of("unused"), "n")) {
                store.insert(job(0), Integer.MAX_VALUE);
                Path filler = location.resolve("filler");
                disk.fill(filler);

                StorageFullException full = null;
                for (int i = 1; i < 2000 && full == null; i++) {
                    try {
                        store.insert(job(i), Integer.MAX_VALUE);
                    } catch (StorageFullException e) {
                        full = e;
                    }
                }
                assertThat(full).as("the tablespace never filled").isNotNull();
                assertThat(full.status()).isEqualTo(507);
                assertThat(full.getMessage()).contains("PostgreSQL").contains("53100").doesNotContain(location.toString());

                Files.delete(filler);

                Job after = store.insert(job(5000), Integer.MAX_VALUE);
                assertThat(store.get(after.id())).isPresent();
            } finally {
                exec(base, "DROP SCHEMA " + schema + " CASCADE");
                exec(base, "DROP TABLESPACE " + space);
            }
        }
    }

    /** A job whose params do not compress (random text), so every insert takes new pages. */
    private static Job job(int i) {
        StringBuilder pad = new StringBuilder();
        while (pad.length() < 6000) pad.append(UUID.randomUUID());
        return Job.create("wan", "t2v", Dialect.NATIVE, "{\"pad\":\"" + pad + "\"}", Map.of(), 0, 3, "job " + i,
                T0.plusSeconds(i));
    }

    private static String query(String url, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void exec(String url, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url)) {
            c.createStatement().execute(sql);
        }
    }
}
