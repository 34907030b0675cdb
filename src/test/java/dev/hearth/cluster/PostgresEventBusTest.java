package dev.hearth.cluster;

import dev.hearth.observe.Topic;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two nodes' buses on one real PostgreSQL: an event published on one reaches the other's
 * subscribers by NOTIFY (no polling), found again by its key; a node does not hear its own twice.
 */
class PostgresEventBusTest {
    private static final Topic<String> THINGS = new Topic<>("thing-" + System.nanoTime(), String.class);
    private String url;

    @BeforeEach
    void database() {
        url = dev.hearth.TestPostgres.url("PostgreSQL event bus test");
    }

    private PostgresEventBus bus(String node) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(url);
        PostgresEventBus bus = new PostgresEventBus(url, ds, node);
        bus.relay(THINGS, key -> Optional.of("found " + key + " on " + node));
        return bus.start();
    }

    @Test
    void anEventPublishedOnOneNode_reachesTheOthersSubscribers_foundByItsKey() {
        try (PostgresEventBus a = bus("a"); PostgresEventBus b = bus("b")) {
            List<String> onA = new CopyOnWriteArrayList<>();
            List<String> onB = new CopyOnWriteArrayList<>();
            a.subscribe(THINGS, null, onA::add);
            b.subscribe(THINGS, "job-1", onB::add);

            a.publish(THINGS, "job-1", "published on a");
            a.publish(THINGS, "job-2", "another key");

            await().atMost(Duration.ofSeconds(30)).until(() -> onB.contains("found job-1 on b"));
            assertThat(onB).containsExactly("found job-1 on b");          // its key only
            b.publish(THINGS, "job-3", "published on b");
            await().atMost(Duration.ofSeconds(30)).until(() -> onA.contains("found job-3 on a"));
            // a heard its own events once (locally), not again through NOTIFY
            assertThat(onA).containsExactly("published on a", "another key", "found job-3 on a");
        }
    }
}
