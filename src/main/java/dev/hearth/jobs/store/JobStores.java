package dev.hearth.jobs.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/** Opens the job store that {@code server.database} names and brings its schema up to date. */
public final class JobStores {
    /** Flyway's bookkeeping table; named so it cannot clash with another component's migrations. */
    static final String HISTORY_TABLE = "hearth_jobs_schema_history";

    /**
     * Flyway and HikariCP log a dozen INFO lines per open; only their warnings matter to an operator.
     * Held in fields because JUL keeps loggers weakly and would forget the level.
     */
    private static final java.util.logging.Logger FLYWAY_LOG = quiet("org.flywaydb");
    private static final java.util.logging.Logger HIKARI_LOG = quiet("com.zaxxer.hikari");

    private JobStores() {}

    private static java.util.logging.Logger quiet(String name) {
        java.util.logging.Logger l = java.util.logging.Logger.getLogger(name);
        l.setLevel(java.util.logging.Level.WARNING);
        return l;
    }

    /** {@link #open(String, Path, String)} with this process's node id. */
    public static JobStore open(String database, Path dataDir) {
        return open(database, dataDir, defaultNode());
    }

    /**
     * @param database "sqlite" (a file {@code jobs.db} in {@code dataDir}) or a {@code jdbc:postgresql:} URL
     * @param node     this process's id in leases and history rows
     */
    public static JobStore open(String database, Path dataDir, String node) {
        if (database == null || database.isBlank() || database.equals("sqlite")) {
            return openSqlite(dataDir.resolve("jobs.db"), node);
        }
        if (database.startsWith("jdbc:postgresql:")) return openPostgres(database, node);
        throw new IllegalArgumentException("server.database must be 'sqlite' or a jdbc:postgresql: URL, not '"
                + database + "'");
    }

    public static SqliteJobStore openSqlite(Path file, String node) {
        return openSqlite(file, node, cfg -> { });
    }

    /** @param tune adjusts the connections' settings (tests: {@code max_page_count} to fill the database) */
    static SqliteJobStore openSqlite(Path file, String node, Consumer<SQLiteConfig> tune) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + file.getParent(), e);
        }
        SQLiteConfig cfg = new SQLiteConfig();
        cfg.setJournalMode(SQLiteConfig.JournalMode.WAL);   // readers do not block the writer
        // NORMAL with WAL: a commit survives a kill -9 of Hearth; only a power loss may drop the
        // last few, and the file stays consistent either way
        cfg.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        cfg.setBusyTimeout(10_000);
        cfg.enforceForeignKeys(true);                        // history and outputs go with their job
        cfg.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        tune.accept(cfg);
        SQLiteDataSource sqlite = new SQLiteDataSource(cfg);
        sqlite.setUrl("jdbc:sqlite:" + file.toAbsolutePath());
        HikariConfig hc = new HikariConfig();
        hc.setDataSource(sqlite);
        hc.setPoolName("hearth-jobs-sqlite");
        hc.setMaximumPoolSize(4);
        HikariDataSource ds = new HikariDataSource(hc);
        migrate(ds, "classpath:db/jobs/sqlite");
        return new SqliteJobStore(ds, node, file.toAbsolutePath().getParent());
    }

    public static PostgresJobStore openPostgres(String url, String node) {
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(url);
        hc.setPoolName("hearth-jobs-postgres");
        hc.setMaximumPoolSize(8);
        HikariDataSource ds = new HikariDataSource(hc);
        migrate(ds, "classpath:db/jobs/postgresql");
        return new PostgresJobStore(ds, node);
    }

    private static void migrate(HikariDataSource ds, String location) {
        try {
            Flyway.configure().dataSource(ds).locations(location).table(HISTORY_TABLE).load().migrate();
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
    }

    /** host-pid: unique per process, and readable in "lease lost (node X …)" messages. */
    static String defaultNode() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "localhost";
        }
        return host + "-" + ProcessHandle.current().pid();
    }
}
