package dev.hearth.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.Json;
import dev.hearth.observe.EventBus;
import dev.hearth.observe.LocalEventBus;
import dev.hearth.observe.Topic;
import dev.hearth.scheduler.ModelEvent;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import javax.sql.DataSource;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The event bus across the nodes of one PostgreSQL: what this node publishes reaches its own
 * subscribers at once (a {@link LocalEventBus}), and, for the topics that can be told by key (a
 * job, re-read from the shared store), a NOTIFY on one channel carries the topic and the key to
 * every other node, whose listener re-reads the event and hands it to its local subscribers. So an
 * SSE client on node A follows a job that runs on node B without polling. A model event travels
 * whole (its JSON in the payload) and reaches the other nodes as a {@link PeerModelEvent}, on a topic
 * of its own: each node's models are its own, so its metrics never count another node's.
 *
 * <p>One connection of its own LISTENs (a pooled one would be handed back, and its LISTEN with it);
 * if it breaks, the listener reconnects every {@link #RETRY} and says so in the log.
 */
public final class PostgresEventBus implements EventBus, AutoCloseable {
    private static final System.Logger LOG = System.getLogger("hearth.cluster");
    static final String CHANNEL = "hearth_events";
    private static final Duration RETRY = Duration.ofSeconds(2);
    private static final int WAIT_MS = 500;

    private final LocalEventBus local = new LocalEventBus();
    private final String url;
    private final DataSource pool;
    private final String node;
    private final Map<String, Relay<?>> relays = new ConcurrentHashMap<>();
    private final Thread listener;
    private volatile boolean closed;
    private volatile Connection listening;
    private volatile boolean carried;

    /** A topic carried across nodes: its events are found again by key on the receiving node. */
    private record Relay<T>(Topic<T> topic, Function<String, Optional<T>> byKey) {
        void deliver(LocalEventBus bus, String key) {
            byKey.apply(key).ifPresent(e -> bus.publish(topic, key, e));
        }
    }

    /**
     * @param url  the JDBC URL of the shared database (the listening connection's)
     * @param pool where NOTIFYs are sent from
     * @param node this node's id: its own notifications come back to it and are skipped
     */
    public PostgresEventBus(String url, DataSource pool, String node) {
        this.url = url;
        this.pool = pool;
        this.node = node;
        this.listener = Thread.ofPlatform().daemon().name("hearth-cluster-events").unstarted(this::listen);
    }

    /** This node's model events reach the others as {@link PeerModelEvent}s. */
    public void carryModelEvents() {
        carried = true;
    }

    /** Carries {@code topic} across nodes; a receiving node finds each event by its key with {@code byKey}. */
    public <T> void relay(Topic<T> topic, Function<String, Optional<T>> byKey) {
        relays.put(topic.name(), new Relay<>(topic, byKey));
    }

    /** Connects and LISTENs before returning, so no event published after it is missed. */
    public PostgresEventBus start() {
        try {
            listening = connect();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot LISTEN on the shared database: " + e.getMessage(), e);
        }
        listener.start();
        return this;
    }

    @Override
    public <T> void publish(Topic<T> topic, String key, T event) {
        local.publish(topic, key, event);
        ObjectNode payload = Json.object().put("node", node).put("topic", topic.name()).put("key", key);
        if (carried && event instanceof ModelEvent e) {
            payload.set("event", PeerModelEvent.json(e));
        } else if (!relays.containsKey(topic.name()) || key == null) {
            return;
        }
        notify(payload, topic, key);
    }

    private void notify(ObjectNode payload, Topic<?> topic, String key) {
        try (Connection c = pool.getConnection(); PreparedStatement n = c.prepareStatement("SELECT pg_notify(?, ?)")) {
            n.setString(1, CHANNEL);
            n.setString(2, payload.toString());
            n.execute();
        } catch (SQLException e) {
            // the other nodes' SSE streams fall back on re-reading the job; this node's own are served
            LOG.log(Level.WARNING, "could not tell the other nodes of " + topic.name() + " " + key + ": " + e.getMessage());
        }
    }

    @Override
    public <T> Subscription subscribe(Topic<T> topic, String key, Consumer<? super T> subscriber) {
        return local.subscribe(topic, key, subscriber);
    }

    private Connection connect() throws SQLException {
        Connection c = DriverManager.getConnection(url);
        try (Statement s = c.createStatement()) {
            s.execute("LISTEN " + CHANNEL);
        }
        return c;
    }

    private void listen() {
        while (!closed) {
            try {
                if (listening == null) listening = connect();
                PGNotification[] got = listening.unwrap(PGConnection.class).getNotifications(WAIT_MS);
                if (got == null) continue;
                for (PGNotification n : got) deliver(n.getParameter());
            } catch (SQLException e) {
                if (closed) return;
                LOG.log(Level.WARNING, "listening for the other nodes' events failed (" + e.getMessage()
                        + "); reconnecting in " + RETRY.toSeconds() + " s");
                closeQuietly(listening);
                listening = null;
                try {
                    Thread.sleep(RETRY);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    private void deliver(String payload) {
        try {
            JsonNode p = Json.MAPPER.readTree(payload);
            if (node.equals(p.path("node").asText())) return;
            if (p.path("topic").asText().equals(ModelEvent.TOPIC.name()) && p.has("event")) {
                PeerModelEvent e = PeerModelEvent.read(p.path("node").asText(), p.path("event"));
                local.publish(PeerModelEvent.TOPIC, e.event().model(), e);
                return;
            }
            Relay<?> relay = relays.get(p.path("topic").asText());
            if (relay != null) relay.deliver(local, p.path("key").asText());
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "an event from another node could not be read: " + e.getMessage());
        }
    }

    private static void closeQuietly(Connection c) {
        if (c == null) return;
        try {
            c.close();
        } catch (SQLException e) {
            // it is broken already
        }
    }

    @Override
    public void close() {
        closed = true;
        listener.interrupt();
        closeQuietly(listening);
    }
}
