package dev.hearth.jobs.store;

import com.zaxxer.hikari.HikariDataSource;
import dev.hearth.StorageFullException;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * PostgreSQL, for several Hearth nodes on one queue: a claim skips rows another node is claiming
 * ({@code FOR UPDATE SKIP LOCKED}), and inserts into one model's queue take a transaction-scoped
 * advisory lock so concurrent inserts cannot both see room under max_queue.
 */
public final class PostgresJobStore extends SqlJobStore {
    /** SQLSTATE disk_full. */
    static final String DISK_FULL = "53100";

    PostgresJobStore(HikariDataSource dataSource, String node) { super(dataSource, node); }

    /** The shared database's pool, for what else the nodes keep there (their membership rows, events). */
    public javax.sql.DataSource dataSource() { return pool(); }

    @Override
    String claimLockSuffix() { return " FOR UPDATE SKIP LOCKED"; }

    @Override
    void lockQueue(Connection c, String model) throws SQLException {
        try (var ps = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
            ps.setString(1, "hearth.jobs.queue:" + model);
            ps.execute();
        }
    }

    @Override
    StorageFullException storageFull(SQLException e) {
        for (SQLException s = e; s != null; s = s.getNextException()) {
            if (DISK_FULL.equals(s.getSQLState())) {
                return new StorageFullException("The PostgreSQL job database is out of disk space (SQLSTATE 53100"
                        + " disk_full): the job could not be recorded. Free space on the database server; Hearth"
                        + " carries on by itself once there is room.", e);
            }
        }
        return null;
    }
}
