package dev.hearth.api.openai;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.hearth.Json;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

class ResponseStoreTest {
    /** A clock the test moves. */
    private static final class MovableClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override public ZoneId getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }
    }

    private static ArrayNode turn(String text) {
        ArrayNode messages = Json.MAPPER.createArrayNode();
        messages.addObject().put("role", "user").put("content", text);
        return messages;
    }

    @Test
    void store_dropsTheOldest_beyondItsCapacity() {
        ResponseStore store = new ResponseStore(2, Duration.ofHours(1), new MovableClock());
        store.put("resp_1", turn("one"));
        store.put("resp_2", turn("two"));
        store.put("resp_3", turn("three"));

        assertThat(store.conversation("resp_1")).isEmpty();
        assertThat(store.conversation("resp_2")).hasValueSatisfying(m -> assertThat(m.at("/0/content").asText()).isEqualTo("two"));
        assertThat(store.size()).isEqualTo(2);
    }

    @Test
    void store_forgetsAResponse_olderThanItsTtl() {
        MovableClock clock = new MovableClock();
        ResponseStore store = new ResponseStore(10, Duration.ofHours(1), clock);
        store.put("resp_old", turn("old"));
        clock.now = clock.now.plus(Duration.ofMinutes(30));
        store.put("resp_new", turn("new"));
        clock.now = clock.now.plus(Duration.ofMinutes(31));

        assertThat(store.conversation("resp_old")).isEmpty();
        assertThat(store.conversation("resp_new")).isPresent();
        assertThat(store.size()).isEqualTo(1);
    }

    @Test
    void conversation_isACopy_thatTheCallerMayExtend() {
        ResponseStore store = new ResponseStore(10, Duration.ofHours(1), new MovableClock());
        ArrayNode given = turn("one");
        store.put("resp_1", given);
        given.addObject().put("role", "user").put("content", "changed after");
        store.conversation("resp_1").orElseThrow().addObject().put("role", "user").put("content", "next");

        assertThat(store.conversation("resp_1").orElseThrow()).hasSize(1);
    }
}
