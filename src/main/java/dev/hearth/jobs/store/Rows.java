package dev.hearth.jobs.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.jobs.Dialect;
import dev.hearth.jobs.HistoryEntry;
import dev.hearth.jobs.Job;
import dev.hearth.jobs.Params;
import dev.hearth.jobs.JobOutput;
import dev.hearth.jobs.JobState;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Row ↔ record mapping shared by both dialects; times are epoch milliseconds in both schemas. */
final class Rows {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};

    private Rows() {}

    static Job job(ResultSet rs) throws SQLException {
        return new Job(rs.getString("id"), rs.getString("model"), rs.getString("task"),
                Dialect.fromWire(rs.getString("dialect")), Params.parse(rs.getString("params")), inputs(rs.getString("inputs")),
                rs.getInt("priority"), JobState.fromWire(rs.getString("state")),
                new Job.Attempts(rs.getInt("attempts"), rs.getInt("max_attempts")),
                new Job.Progress(rs.getDouble("progress"), rs.getString("stage"), rs.getInt("step"),
                        rs.getInt("steps")),
                new Job.Failure(rs.getString("error_code"), rs.getString("error_message")),
                new Job.Times(instant(rs, "created_at"), instant(rs, "started_at"), instant(rs, "finished_at"),
                        instant(rs, "updated_at")),
                new Job.Lease(rs.getString("lease_owner"), instant(rs, "lease_expires_at")),
                rs.getLong("version"), rs.getString("prompt"), rs.getString("original_prompt"), List.of(),
                rs.getString("owner"));
    }

    static HistoryEntry history(ResultSet rs) throws SQLException {
        String from = rs.getString("from_state");
        return new HistoryEntry(rs.getString("job_id"), from == null ? null : JobState.fromWire(from),
                JobState.fromWire(rs.getString("to_state")), rs.getString("reason"), instant(rs, "at"),
                rs.getString("node"));
    }

    static JobOutput output(ResultSet rs) throws SQLException {
        return new JobOutput(rs.getString("name"), rs.getString("path"), rs.getString("content_type"),
                rs.getLong("size"), rs.getString("sha256"));
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        long ms = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(ms);
    }

    static Long millis(Instant t) { return t == null ? null : t.toEpochMilli(); }

    /** Binds each value by its Java type; nulls as the matching SQL type so PostgreSQL can infer it. */
    static void bind(PreparedStatement ps, Object... values) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            Object v = values[i];
            int p = i + 1;
            switch (v) {
                case null -> ps.setNull(p, Types.VARCHAR);
                case Instant t -> ps.setLong(p, t.toEpochMilli());
                case Long l -> ps.setLong(p, l);
                case Integer n -> ps.setInt(p, n);
                case Double d -> ps.setDouble(p, d);
                case JobState s -> ps.setString(p, s.wire());
                case Dialect d -> ps.setString(p, d.wire());
                case NullLong ignored -> ps.setNull(p, Types.BIGINT);
                default -> ps.setString(p, v.toString());
            }
        }
    }

    /** A null for a BIGINT column (PostgreSQL refuses a VARCHAR null there). */
    enum NullLong { INSTANCE }

    static Object time(Instant t) { return t == null ? NullLong.INSTANCE : t; }

    static String inputsJson(Map<String, String> inputs) {
        try {
            return JSON.writeValueAsString(inputs);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("inputs are not serialisable: " + e.getMessage(), e);
        }
    }

    private static Map<String, String> inputs(String json) {
        try {
            return JSON.readValue(json, STRING_MAP);
        } catch (JsonProcessingException e) {
            throw new JobStoreException("corrupt inputs column: " + e.getOriginalMessage(), e);
        }
    }

    // ---- statements: each binds its arguments with bind(), in order ----

    static List<Job> jobs(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            List<Job> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(job(rs));
            }
            return out;
        }
    }

    static List<JobOutput> outputs(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM job_outputs WHERE job_id = ? ORDER BY name")) {
            bind(ps, id);
            List<JobOutput> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(output(rs));
            }
            return out;
        }
    }

    static int count(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    static int update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            return ps.executeUpdate();
        }
    }
}
