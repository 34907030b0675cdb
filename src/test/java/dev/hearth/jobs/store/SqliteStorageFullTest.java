package dev.hearth.jobs.store;

import dev.hearth.StorageFullException;
import dev.hearth.jobs.Dialect;
import dev.hearth.jobs.Job;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A full SQLite database, made deterministic with SQLite's own {@code max_page_count} (SQLITE_FULL
 * without a full disk, without root): the store answers a named 507, never masks it with the
 * rollback's error, and works again once there is room.
 */
class SqliteStorageFullTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final int NO_LIMIT = Integer.MAX_VALUE;

    @TempDir
    Path dataDir;

    private static Job big(int i) {
        return Job.create("wan", "t2v", Dialect.NATIVE, "{\"pad\":\"" + "x".repeat(3000) + "\"}", Map.of(), 0, 3,
                "job " + i, T0.plusSeconds(i));
    }

    private int pageCount(Path db) throws Exception {
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + db);
             ResultSet rs = c.createStatement().executeQuery("PRAGMA page_count")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void SqliteJobStore_answers507NamingTheDataDir_andRecovers_whenTheDatabaseIsFull() throws Exception {
        Path db = dataDir.resolve("jobs.db");
        JobStores.openSqlite(db, "n").close(); // schema in place
        int pages = pageCount(db);
        try (SqliteJobStore store = JobStores.openSqlite(db, "n", cfg -> cfg.setMaxPageCount(pages + 8))) {
            List<Job> stored = new ArrayList<>();
            StorageFullException full = null;
            for (int i = 0; i < 100 && full == null; i++) {
                Job j = big(i);
                try {
                    stored.add(store.insert(j, NO_LIMIT));
                } catch (StorageFullException e) {
                    full = e;
                }
            }
            assertThat(full).as("the database never filled").isNotNull();
            assertThat(full.status()).isEqualTo(507);
            assertThat(full.code()).isEqualTo("insufficient_storage");
            assertThat(full.getMessage()).contains("data directory '" + dataDir.getFileName() + "' is full")
                    .doesNotContain(dataDir.toString());
            // still full: the same named error again, not "cannot rollback - no transaction is active"
            for (int i = 0; i < 6; i++) {
                StorageFullException again = catchThrowableOfType(StorageFullException.class,
                        () -> store.insert(big(1000), NO_LIMIT));
                assertThat(again).as("attempt %d while full", i).isNotNull();
                assertThat(again.getCause()).hasMessageNotContaining("no transaction is active");
            }

            // space freed (retention removed finished jobs): every pooled connection works again
            for (Job j : stored.subList(0, stored.size() / 2)) assertThat(store.delete(j.id())).isTrue();
            for (int i = 0; i < 6; i++) {
                Job j = store.insert(Job.create("wan", "t2v", Dialect.NATIVE, "{}", Map.of(), 0, 3, "after " + i,
                        T0.plusSeconds(500 + i)), NO_LIMIT);
                assertThat(store.get(j.id())).isPresent();
            }
        }
    }
}
