package dev.hearth.jobs.store;

import com.zaxxer.hikari.HikariDataSource;
import dev.hearth.StorageFullException;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * SQLite: every write transaction begins IMMEDIATE (set on the data source), so writers take the
 * one write lock up front and wait on busy_timeout instead of failing on upgrade; that already
 * serialises claims and the max_queue check, so neither needs a lock of its own.
 */
public final class SqliteJobStore extends SqlJobStore {
    private static final int SQLITE_IOERR = SQLiteErrorCode.SQLITE_IOERR.code;
    private static final int SQLITE_FULL = SQLiteErrorCode.SQLITE_FULL.code;

    /** The data directory, named in messages by its last name only. */
    private final Path dataDir;

    SqliteJobStore(HikariDataSource dataSource, String node, Path dataDir) {
        super(dataSource, node);
        this.dataDir = dataDir;
    }

    @Override
    String claimLockSuffix() { return ""; }

    @Override
    void lockQueue(Connection c, String model) {}

    /** SQLITE_FULL, SQLITE_IOERR (and its extended codes) or "disk is full", anywhere in the chain. */
    @Override
    StorageFullException storageFull(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLiteException s) {
                int primary = s.getResultCode().code & 0xff;
                if (primary == SQLITE_FULL) return StorageFullException.dataDir(dataDir, "the job database", e);
                // SQLite reports a full disk as SQLITE_FULL or, when the write-ahead log cannot grow, as
                // an I/O error; the file system says which it was
                if (primary == SQLITE_IOERR && nearlyFull(dataDir)) {
                    return StorageFullException.dataDir(dataDir, "the job database", e);
                }
                if (primary == SQLITE_IOERR) return new StorageFullException("The data directory '" + StorageFullException.name(dataDir)
                        + "' could not be written (disk I/O error): is it full? The job database could not be"
                        + " updated; Hearth carries on by itself once it can write there again.", e);
            }
            String m = t.getMessage();
            if (m != null && (m.contains("SQLITE_FULL") || m.contains("disk is full"))) {
                return StorageFullException.dataDir(dataDir, "the job database", e);
            }
        }
        return null;
    }

    /** Less room left than SQLite needs for a checkpoint of a busy log: the disk is as good as full. */
    private static boolean nearlyFull(java.nio.file.Path dir) {
        try {
            return java.nio.file.Files.getFileStore(dir).getUsableSpace() < 8L * 1024 * 1024;
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }
}
