package dev.hearth.jobs.store;

import com.zaxxer.hikari.HikariDataSource;
import dev.hearth.StorageFullException;
import dev.hearth.jobs.HistoryEntry;
import dev.hearth.jobs.IllegalTransitionException;
import dev.hearth.jobs.Job;
import dev.hearth.jobs.JobNotFoundException;
import dev.hearth.jobs.JobOutput;
import dev.hearth.QueueFullException;
import dev.hearth.jobs.JobState;
import dev.hearth.jobs.StaleJobException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * The JDBC job store. Both dialects share every statement except how a claim locks its row and how
 * inserts into one model's queue are serialised (so {@code max_queue} holds under concurrency).
 */
public abstract sealed class SqlJobStore implements JobStore permits SqliteJobStore, PostgresJobStore {
    private static final String CLAIM_ORDER = "priority DESC, created_at ASC, seq ASC";
    /** The job asked for the prompt enhancer and it has not run yet (as {@code PromptEnhancer.pending}). */
    private static final String ENHANCE_PENDING = "(original_prompt IS NOT NULL AND original_prompt = prompt)";
    /** The states that hold a lease and the terminal ones, as SQL lists, from the one table in {@link JobState}. */
    private static final String LEASED = states(JobState::leased);
    private static final String TERMINAL = states(JobState::terminal);

    private final HikariDataSource dataSource;
    private final Transactions tx;
    private final String node;

    SqlJobStore(HikariDataSource dataSource, String node) {
        this.dataSource = dataSource;
        this.tx = new Transactions(dataSource, this::storageFull);
        this.node = node;
    }

    /** Appended to the claim's inner SELECT: PostgreSQL skips rows another node is claiming. */
    abstract String claimLockSuffix();

    /** Serialises inserts into one model's queue for the rest of the transaction. */
    abstract void lockQueue(Connection c, String model) throws SQLException;

    /**
     * The 507 to answer when {@code e} (or what it carries) says the database's storage is full or
     * cannot be written, naming what is full; null for any other error.
     */
    abstract StorageFullException storageFull(SQLException e);

    @Override
    public String node() { return node; }

    @Override
    public Job insert(Job job, int maxQueue) {
        if (job.state() != JobState.QUEUED) throw new IllegalArgumentException("a new job must be queued: " + job.state());
        Job.Progress p = job.progress();
        Job.Times t = job.times();
        return inTx(c -> {
            lockQueue(c, job.model());
            int queued = queuedCount(c, job.model());
            if (queued >= maxQueue) {
                throw QueueFullException.jobs(job.model(), maxQueue, QueueFullException.DEFAULT_JOB_RETRY_AFTER_SECONDS);
            }
            Rows.update(c, """
                    INSERT INTO jobs (id, model, task, dialect, params, inputs, priority, state, attempts, max_attempts,
                      progress, stage, step, steps, error_code, error_message, created_at, started_at, finished_at,
                      updated_at, lease_owner, lease_expires_at, version, prompt, original_prompt, owner)
                    VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
                    job.id(), job.model(), job.task(), job.dialect(), job.params().text(), Rows.inputsJson(job.inputs()),
                    job.priority(), job.state(), job.attempts().count(), job.attempts().max(), p.fraction(), p.stage(),
                    p.step(), p.steps(), job.failure().code(), job.failure().message(), t.created(),
                    Rows.time(t.started()), Rows.time(t.finished()), t.updated(), job.lease().owner(),
                    Rows.time(job.lease().expiresAt()), job.version(), job.prompt(), job.originalPrompt(), job.owner());
            writeHistory(c, job.id(), null, JobState.QUEUED, "created", t.created(), node);
            return job.withOutputs(List.of());
        });
    }

    @Override
    public Optional<Job> get(String id) {
        return read(c -> Optional.ofNullable(loadJob(c, id)));
    }

    @Override
    public List<Job> list(JobQuery q) {
        StringBuilder sql = new StringBuilder("SELECT * FROM jobs WHERE 1=1");
        List<Object> args = new ArrayList<>();
        if (q.model() != null) { sql.append(" AND model = ?"); args.add(q.model()); }
        if (q.dialect() != null) { sql.append(" AND dialect = ?"); args.add(q.dialect()); }
        if (q.owner() != null) { sql.append(" AND owner = ?"); args.add(q.owner()); }
        if (!q.states().isEmpty()) {
            sql.append(" AND state IN (").append(marks(q.states().size())).append(')');
            args.addAll(q.states());
        }
        String dir = q.descending() ? "DESC" : "ASC";
        if (q.after() != null) {
            // a cursor that names no job yields an empty page rather than restarting from the top
            sql.append(" AND (created_at, seq) ").append(q.descending() ? "<" : ">")
                    .append(" (SELECT created_at, seq FROM jobs WHERE id = ?)");
            args.add(q.after());
        }
        sql.append(" ORDER BY created_at ").append(dir).append(", seq ").append(dir).append(" LIMIT ?");
        args.add(q.limit());
        return read(c -> {
            List<Job> jobs = Rows.jobs(c, sql.toString(), args.toArray());
            List<Job> withOutputs = new ArrayList<>(jobs.size());
            for (Job j : jobs) withOutputs.add(j.withOutputs(Rows.outputs(c, j.id())));
            return withOutputs;
        });
    }

    @Override
    public Optional<Job> claimNext(Collection<String> models, String node, Duration lease, Instant now, Claim which) {
        if (models.isEmpty()) return Optional.empty();
        String kind = switch (which) {
            case ANY -> "";
            case TO_ENHANCE -> " AND " + ENHANCE_PENDING;
            case TO_RUN -> " AND NOT (" + ENHANCE_PENDING + ")";
        };
        String sql = "UPDATE jobs SET state = 'running', version = version + 1, lease_owner = ?, lease_expires_at = ?,"
                + " started_at = ?, updated_at = ? WHERE state = 'queued'" + kind + " AND id = (SELECT id FROM jobs"
                + " WHERE state = 'queued' AND model IN (" + marks(models.size()) + ") ORDER BY " + CLAIM_ORDER
                + " LIMIT 1" + claimLockSuffix() + ") RETURNING *";
        List<Object> args = new ArrayList<>(List.of(node, now.plus(lease), now, now));
        args.addAll(models);
        return inTx(c -> {
            List<Job> claimed = Rows.jobs(c, sql, args.toArray());
            if (claimed.isEmpty()) return Optional.empty();
            Job job = claimed.getFirst();
            writeHistory(c, job.id(), JobState.QUEUED, JobState.RUNNING, "claimed by node " + node, now, node);
            return Optional.of(job.withOutputs(Rows.outputs(c, job.id())));
        });
    }

    @Override
    public Optional<Job> heartbeat(Job read, Duration lease, Instant now) {
        Instant until = now.plus(lease).truncatedTo(ChronoUnit.MILLIS);
        return revise(read, read.withLeaseUntil(until), false, now, "lease_expires_at = ?", until);
    }

    @Override
    public Job transition(String id, JobState expectedFrom, JobState to, UnaryOperator<Job> mutation,
                          String reason, Instant now) {
        return change(id, expectedFrom, to, mutation, reason, now, null);
    }

    /**
     * The one place a state changes after creation and claim. The mutation runs outside any
     * transaction (it is caller code); the write then succeeds only if version and state are still
     * those read — optimistic locking, as in JobRunr. {@code leaseExpiredBefore}, when set, also
     * requires the lease to be still expired, so a heartbeat that lands after the reaper read the
     * job saves it.
     */
    Job change(String id, JobState from, JobState to, UnaryOperator<Job> mutation, String reason, Instant now,
               Instant leaseExpiredBefore) {
        if (!from.canMoveTo(to)) {
            throw new IllegalTransitionException(id, from, from + " → " + to + " is not allowed; from " + from
                    + " a job may move to " + (from.terminal() ? "nothing (it is finished)" : from.next()) + ".");
        }
        if (from == JobState.QUEUED && to == JobState.RUNNING) {
            // a running job without a lease would never be reaped if its node died
            throw new IllegalArgumentException("job " + id + ": a job starts running only through claimNext,"
                    + " which gives it a lease");
        }
        Job current = get(id).orElseThrow(() -> new JobNotFoundException(id));
        if (current.state() != from) {
            throw new IllegalTransitionException(id, current.state(),
                    "it is " + current.state() + ", not " + from + ", so it cannot move to " + to + ".");
        }
        Job m = mutation == null ? current : mutation.apply(current);
        Instant finishedAt = to.terminal() ? now : null;
        boolean keepsLease = to.leased();
        String sql = "UPDATE jobs SET state = ?, version = version + 1, updated_at = ?,"
                + " finished_at = ?, lease_owner = ?, lease_expires_at = ?, attempts = ?, progress = ?, stage = ?,"
                + " step = ?, steps = ?, error_code = ?, error_message = ?, params = ?, prompt = ?,"
                + " original_prompt = ? WHERE id = ? AND version = ? AND state = ?"
                + (leaseExpiredBefore == null ? "" : " AND lease_expires_at < ?") + " RETURNING *";
        List<Object> args = new ArrayList<>(List.of(to, now, Rows.time(finishedAt)));
        args.add(keepsLease ? current.lease().owner() : null);
        args.add(Rows.time(keepsLease ? current.lease().expiresAt() : null));
        Job.Progress p = m.progress();
        args.addAll(Arrays.asList(m.attempts().count(), p.fraction(), p.stage(), p.step(), p.steps(),
                m.failure().code(), m.failure().message(), m.params().text(), m.prompt(), m.originalPrompt(),
                id, current.version(), from));
        if (leaseExpiredBefore != null) args.add(leaseExpiredBefore);
        return inTx(c -> {
            List<Job> updated = Rows.jobs(c, sql, args.toArray());
            if (updated.isEmpty()) throw new StaleJobException(id, current.version());
            writeHistory(c, id, from, to, reason, now, node);
            return updated.getFirst().withOutputs(Rows.outputs(c, id));
        });
    }

    @Override
    public Optional<Job> updateProgress(Job read, Job.Progress p, Instant now) {
        return revise(read, read.withProgress(p), false, now, "progress = ?, stage = ?, step = ?, steps = ?",
                p.fraction(), p.stage(), p.step(), p.steps());
    }

    @Override
    public Optional<Job> updatePrompt(Job read, String enhanced, Instant now) {
        Job changed = read.withEnhancedPrompt(enhanced);
        return revise(read, changed, true, now, "prompt = ?, original_prompt = ?", changed.prompt(),
                changed.originalPrompt());
    }

    /**
     * Writes {@code set} and {@code updated_at} on a job this node leases, only at the version read: one
     * statement. The result is {@code changed} as written, computed rather than read back: the version
     * check makes it exact but for what this node's own heartbeat or progress (neither bumps the version)
     * wrote meanwhile, which its run already knows.
     */
    private Optional<Job> revise(Job read, Job changed, boolean bumpVersion, Instant now, String set,
                                 Object... values) {
        String sql = "UPDATE jobs SET " + set + ", updated_at = ?" + (bumpVersion ? ", version = version + 1" : "")
                + " WHERE id = ? AND version = ? AND lease_owner = ? AND state IN " + LEASED;
        List<Object> args = new ArrayList<>(Arrays.asList(values));
        args.addAll(List.of(now, read.id(), read.version(), node));
        if (read(c -> Rows.update(c, sql, args.toArray())) != 1) return Optional.empty();
        return Optional.of(changed.written(now, read.version() + (bumpVersion ? 1 : 0)));
    }

    @Override
    public void addOutput(String id, JobOutput o) {
        inTx(c -> {
            if (Rows.update(c, "DELETE FROM job_outputs WHERE job_id = ? AND name = ?", id, o.name()) == 0
                    && loadJobRow(c, id) == null) {
                throw new JobNotFoundException(id);
            }
            Rows.update(c, "INSERT INTO job_outputs (job_id, name, path, content_type, size, sha256) VALUES (?,?,?,?,?,?)",
                    id, o.name(), o.path(), o.contentType(), o.size(), o.sha256());
            return null;
        });
    }

    @Override
    public List<Job> leaseExpired(Instant now) {
        return read(c -> Rows.jobs(c, "SELECT * FROM jobs WHERE state IN " + LEASED
                + " AND lease_expires_at < ? ORDER BY seq", now));
    }

    @Override
    public Job transitionOrphan(String id, JobState from, JobState to, UnaryOperator<Job> mutation, String reason,
                                Instant now) {
        return change(id, from, to, mutation, reason, now, now);
    }

    @Override
    public OptionalInt queuePosition(String id) {
        int n = read(c -> Rows.count(c, """
                SELECT COUNT(*) FROM jobs q JOIN jobs j ON q.model = j.model
                WHERE j.id = ? AND j.state = 'queued' AND q.state = 'queued'
                  AND (q.priority > j.priority OR (q.priority = j.priority
                       AND (q.created_at < j.created_at OR (q.created_at = j.created_at AND q.seq <= j.seq))))""", id));
        return n == 0 ? OptionalInt.empty() : OptionalInt.of(n);
    }

    @Override
    public int queuedCount(String model) {
        return read(c -> queuedCount(c, model));
    }

    @Override
    public Queued queued(String model) {
        return read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM jobs WHERE model = ? AND state = 'queued'")) {
                Rows.bind(ps, model);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return new Queued(rs.getInt("n"), Rows.instant(rs, "oldest"));
                }
            }
        });
    }

    @Override
    public List<HistoryEntry> history(String id) {
        return read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM job_history WHERE job_id = ? ORDER BY seq")) {
                Rows.bind(ps, id);
                List<HistoryEntry> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(Rows.history(rs));
                }
                return out;
            }
        });
    }

    @Override
    public List<String> deleteFinishedBefore(Instant before) {
        return inTx(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM jobs WHERE state IN " + TERMINAL
                    + " AND finished_at < ? RETURNING id")) {
                Rows.bind(ps, before);
                List<String> ids = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) ids.add(rs.getString(1));
                }
                return ids;
            }
        });
    }

    @Override
    public Map<String, Instant> finishedJobs() {
        return read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT id, finished_at FROM jobs WHERE state IN " + TERMINAL
                    + " ORDER BY finished_at, id")) {
                Map<String, Instant> out = new LinkedHashMap<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.put(rs.getString(1), Rows.instant(rs, "finished_at"));
                }
                return out;
            }
        });
    }

    @Override
    public boolean delete(String id) {
        return inTx(c -> Rows.update(c, "DELETE FROM jobs WHERE id = ?", id) == 1);
    }

    @Override
    public void close() { dataSource.close(); }

    javax.sql.DataSource pool() { return dataSource; }

    // ---- JDBC plumbing ----

    @FunctionalInterface
    interface Work<T> { T run(Connection c) throws SQLException; }

    /** One transaction (see {@link Transactions#inTx}). */
    <T> T inTx(Work<T> work) { return tx.inTx(work); }

    <T> T read(Work<T> work) { return tx.read(work); }

    private static Job loadJob(Connection c, String id) throws SQLException {
        Job j = loadJobRow(c, id);
        return j == null ? null : j.withOutputs(Rows.outputs(c, id));
    }

    private static Job loadJobRow(Connection c, String id) throws SQLException {
        List<Job> jobs = Rows.jobs(c, "SELECT * FROM jobs WHERE id = ?", id);
        return jobs.isEmpty() ? null : jobs.getFirst();
    }

    private static int queuedCount(Connection c, String model) throws SQLException {
        return Rows.count(c, "SELECT COUNT(*) FROM jobs WHERE model = ? AND state = 'queued'", model);
    }

    private static void writeHistory(Connection c, String id, JobState from, JobState to, String reason, Instant at,
                                     String node) throws SQLException {
        Rows.update(c, "INSERT INTO job_history (job_id, from_state, to_state, reason, at, node) VALUES (?,?,?,?,?,?)",
                id, from, to, reason, at, node);
    }

    private static String states(Predicate<JobState> which) {
        return Arrays.stream(JobState.values()).filter(which).map(st -> "'" + st.wire() + "'")
                .collect(Collectors.joining(", ", "(", ")"));
    }

    private static String marks(int n) { return String.join(", ", Collections.nCopies(n, "?")); }
}
