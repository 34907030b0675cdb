package dev.hearth.api.openai;

import com.fasterxml.jackson.databind.node.ArrayNode;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The conversations behind translated responses, so that a request naming {@code previous_response_id}
 * continues one: each response's whole conversation as chat messages (its input, the turns before it,
 * and its output; never its instructions, which OpenAI does not carry over). Kept in memory only and
 * bounded twice: the oldest is dropped beyond {@code capacity}, and one older than {@code ttl} is gone.
 * A restart forgets them all; a client then hears a 400 naming previous_response_id, as for any
 * unknown id.
 */
final class ResponseStore {
    static final int CAPACITY = 1_000;
    static final Duration TTL = Duration.ofHours(1);

    private record Entry(ArrayNode messages, Instant stored) {}

    private final int capacity;
    private final Duration ttl;
    private final Clock clock;
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();

    ResponseStore(int capacity, Duration ttl, Clock clock) {
        this.capacity = capacity;
        this.ttl = ttl;
        this.clock = clock;
    }

    synchronized void put(String id, ArrayNode conversation) {
        entries.put(id, new Entry(conversation.deepCopy(), clock.instant()));
        while (entries.size() > capacity) {
            entries.pollFirstEntry();
        }
    }

    /** The conversation up to and including response {@code id}, a copy the caller may extend. */
    synchronized Optional<ArrayNode> conversation(String id) {
        dropExpired();
        Entry e = entries.get(id);
        return e == null ? Optional.empty() : Optional.of(e.messages().deepCopy());
    }

    synchronized int size() {
        dropExpired();
        return entries.size();
    }

    /** Entries are in the order stored, so the expired ones are at the front. */
    private void dropExpired() {
        Instant oldest = clock.instant().minus(ttl);
        for (var it = entries.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Entry> e = it.next();
            if (!e.getValue().stored().isBefore(oldest)) {
                return;
            }
            it.remove();
        }
    }
}
