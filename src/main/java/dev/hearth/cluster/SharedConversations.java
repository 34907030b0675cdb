package dev.hearth.cluster;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Several nodes: the conversations behind /v1/responses answers in the shared database (table
 * hearth_responses), so a request naming {@code previous_response_id} continues on whichever node it
 * reaches. Each node keeps its own in memory too and asks here only for one it does not have. A row
 * older than the time to live is not read, and is deleted by the next write at most a minute later.
 */
public final class SharedConversations {
    private static final System.Logger LOG = System.getLogger("hearth.cluster");
    private static final Duration PURGE_EVERY = Duration.ofMinutes(1);

    private final DataSource db;
    private final Duration ttl;
    private final Clock clock;
    private volatile long purgedAt;

    public SharedConversations(DataSource db, Duration ttl, Clock clock) {
        this.db = db;
        this.ttl = ttl;
        this.clock = clock;
    }

    /** Stores one; a database that fails is logged, and only this conversation's continuation elsewhere is lost. */
    public void put(String id, String conversation) {
        long now = clock.millis();
        try (Connection c = db.getConnection();
             PreparedStatement s = c.prepareStatement("INSERT INTO hearth_responses (id, conversation, stored_at)"
                     + " VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET conversation = EXCLUDED.conversation,"
                     + " stored_at = EXCLUDED.stored_at")) {
            s.setString(1, id);
            s.setString(2, conversation);
            s.setLong(3, now);
            s.executeUpdate();
            if (now - purgedAt >= PURGE_EVERY.toMillis()) {
                purgedAt = now;
                try (PreparedStatement d = c.prepareStatement("DELETE FROM hearth_responses WHERE stored_at < ?")) {
                    d.setLong(1, now - ttl.toMillis());
                    d.executeUpdate();
                }
            }
        } catch (SQLException e) {
            LOG.log(System.Logger.Level.WARNING, "response " + id + " not shared with the other nodes: " + e.getMessage());
        }
    }

    /** The conversation stored under {@code id} within the time to live. */
    public Optional<String> get(String id) {
        try (Connection c = db.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT conversation FROM hearth_responses WHERE id = ?"
                     + " AND stored_at >= ?")) {
            s.setString(1, id);
            s.setLong(2, clock.millis() - ttl.toMillis());
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            LOG.log(System.Logger.Level.WARNING, "response " + id + " could not be read from the shared database: "
                    + e.getMessage());
            return Optional.empty();
        }
    }
}
