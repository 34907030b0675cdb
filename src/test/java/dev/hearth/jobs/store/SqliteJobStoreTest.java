package dev.hearth.jobs.store;

import dev.hearth.jobs.Job;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.ResultSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The contract on a real SQLite file per test. */
class SqliteJobStoreTest extends JobStoreContract {
    @TempDir
    Path dataDir;

    @Override
    public JobStore open(String node) { return JobStores.open("sqlite", dataDir, node); }

    @Test
    void open_createsJobsDbInWalMode_andKeepsJobsAcrossReopen() throws Exception {
        Job j = queued("wan");
        store.close();
        assertThat(dataDir.resolve("jobs.db")).exists();
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("jobs.db"));
             ResultSet rs = c.createStatement().executeQuery("PRAGMA journal_mode")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualToIgnoringCase("wal");
        }
        store = track(open("node-a")); // migrations already applied: a no-op, data kept
        assertThat(store.get(j.id())).contains(j);
        assertThat(store).isInstanceOf(SqliteJobStore.class);
    }

    @Test
    void open_createsMissingDataDir() {
        Path nested = dataDir.resolve("a/b");
        track(JobStores.open("sqlite", nested, "n"));
        assertThat(Files.exists(nested.resolve("jobs.db"))).isTrue();
    }

    @Test
    void open_refusesUnknownDatabase_namingTheKey() {
        assertThatThrownBy(() -> JobStores.open("mysql://x", dataDir))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("server.database");
    }
}
