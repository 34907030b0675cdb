package dev.hearth.cluster;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.hearth.Json;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Membership of the nodes sharing one PostgreSQL: this node's row, upserted at start and every
 * {@link #BEAT} with what it serves and has loaded, and everyone's rows as they were last written.
 * A node whose last beat is older than {@link #TIMEOUT} is dead: nothing is routed to it, and the
 * jobs it ran are requeued by the others once their leases run out (the orphan reaper). A node that
 * stops cleanly says so at once (its beat is set to 0).
 */
public final class Nodes implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("hearth.cluster");
    static final Duration BEAT = Duration.ofSeconds(2);
    public static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final TypeReference<List<Node.ModelAt>> MODELS = new TypeReference<>() { };

    /** What this node says of itself in each beat. */
    public record Self(String id, URI url, String version, String process, Supplier<String> devices,
                       Supplier<List<Node.ModelAt>> models) {}

    private final DataSource db;
    private final Self self;
    private final Clock clock;
    private final Instant started;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("hearth-cluster-beat").factory());
    private volatile List<Node> known = List.of();

    public Nodes(DataSource db, Self self, Clock clock) {
        this.db = db;
        this.self = self;
        this.clock = clock;
        this.started = clock.instant();
    }

    /** Writes this node's row now (a failure is the caller's: Hearth does not start half-joined), then beats. */
    public Nodes start() {
        beat();
        timer.scheduleAtFixedRate(() -> {
            try {
                beat();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "cluster heartbeat failed: " + e.getMessage());
            }
        }, BEAT.toMillis(), BEAT.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    public String self() { return self.id(); }

    /** Every node as last read (this one included), alive ones first; read again on each beat. */
    public List<Node> all() {
        return known;
    }

    /** Every node, read from the database now. */
    public List<Node> read() {
        List<Node> nodes = new ArrayList<>();
        Instant now = clock.instant();
        try (Connection c = db.getConnection();
             PreparedStatement q = c.prepareStatement("SELECT id, url, version, process, devices, models, started_at,"
                     + " heartbeat_at FROM hearth_nodes ORDER BY id");
             ResultSet r = q.executeQuery()) {
            while (r.next()) {
                Instant beat = Instant.ofEpochMilli(r.getLong("heartbeat_at"));
                nodes.add(new Node(r.getString("id"), URI.create(r.getString("url")), r.getString("version"),
                        r.getString("process"), r.getString("devices"), Json.MAPPER.readValue(r.getString("models"), MODELS),
                        Instant.ofEpochMilli(r.getLong("started_at")), beat,
                        !beat.isBefore(now.minus(TIMEOUT))));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading the nodes: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        nodes.sort((a, b) -> Boolean.compare(b.alive(), a.alive()));
        return List.copyOf(nodes);
    }

    /** The other nodes that are alive. */
    public List<Node> peers() {
        return known.stream().filter(n -> n.alive() && !n.id().equals(self.id())).toList();
    }

    private void beat() {
        upsert(clock.instant().toEpochMilli());
        known = read();
    }

    private void upsert(long beatAt) {
        try (Connection c = db.getConnection();
             PreparedStatement u = c.prepareStatement("INSERT INTO hearth_nodes (id, url, version, process, devices,"
                     + " models, started_at, heartbeat_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET"
                     + " url = EXCLUDED.url, version = EXCLUDED.version, process = EXCLUDED.process,"
                     + " devices = EXCLUDED.devices, models = EXCLUDED.models, started_at = EXCLUDED.started_at,"
                     + " heartbeat_at = EXCLUDED.heartbeat_at")) {
            u.setString(1, self.id());
            u.setString(2, self.url().toString());
            u.setString(3, self.version());
            u.setString(4, self.process());
            u.setString(5, self.devices().get());
            u.setString(6, Json.MAPPER.writeValueAsString(self.models().get()));
            u.setLong(7, started.toEpochMilli());
            u.setLong(8, beatAt);
            u.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("writing this node's row: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops beating and tells the others this node is gone (they stop routing to it at once). */
    @Override
    public void close() {
        timer.shutdownNow();
        try {
            upsert(0);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not mark this node gone: " + e.getMessage());
        }
    }
}
