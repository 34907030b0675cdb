package dev.hearth.jobs.store;

import com.zaxxer.hikari.HikariDataSource;
import dev.hearth.StorageFullException;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Function;

/**
 * Runs the store's JDBC work on a pooled connection, turning SQL errors into the store's
 * exceptions: a full or unwritable database is a {@link StorageFullException} (507), anything
 * else a {@link JobStoreException}.
 *
 * <p>A failed rollback never hides the error that caused it (it is added as suppressed), and a
 * connection left in doubt (its rollback failed, or its storage failed) leaves the pool instead of
 * failing every later request: SQLite rolls a transaction back by itself on SQLITE_FULL, and the
 * driver's commit-then-begin would otherwise leave that connection broken after the disk is freed.
 */
final class Transactions {
    private final HikariDataSource dataSource;
    private final Function<SQLException, StorageFullException> storageFull;

    /** @param storageFull the 507 for an error that says the storage is full, else null */
    Transactions(HikariDataSource dataSource, Function<SQLException, StorageFullException> storageFull) {
        this.dataSource = dataSource;
        this.storageFull = storageFull;
    }

    /** One transaction; on SQLite it begins IMMEDIATE (see JobStores), so writers queue on busy_timeout. */
    <T> T inTx(SqlJobStore.Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            try {
                c.setAutoCommit(false);
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                rollback(c, e);
                throw e;
            }
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    <T> T read(SqlJobStore.Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            try {
                return work.run(c);
            } catch (SQLException e) {
                if (storageFull.apply(e) != null) dataSource.evictConnection(c);
                throw e;
            }
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    private void rollback(Connection c, Exception cause) {
        boolean inDoubt = cause instanceof SQLException s && storageFull.apply(s) != null;
        try {
            c.rollback();
        } catch (SQLException | RuntimeException r) {
            cause.addSuppressed(r);
            inDoubt = true;
        }
        if (inDoubt) dataSource.evictConnection(c);
    }

    private RuntimeException failure(SQLException e) {
        StorageFullException full = storageFull.apply(e);
        return full != null ? full : new JobStoreException(e);
    }
}
