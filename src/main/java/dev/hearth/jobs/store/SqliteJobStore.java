package dev.hearth.jobs.store;

import com.zaxxer.hikari.HikariDataSource;

import java.sql.Connection;

/**
 * SQLite: every write transaction begins IMMEDIATE (set on the data source), so writers take the
 * one write lock up front and wait on busy_timeout instead of failing on upgrade; that already
 * serialises claims and the max_queue check, so neither needs a lock of its own.
 */
public final class SqliteJobStore extends SqlJobStore {
    SqliteJobStore(HikariDataSource dataSource, String node) { super(dataSource, node); }

    @Override
    String claimLockSuffix() { return ""; }

    @Override
    void lockQueue(Connection c, String model) {}
}
