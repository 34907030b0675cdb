package dev.hearth.api.openai;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.hearth.Json;
import dev.hearth.cluster.SharedConversations;

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
 * unknown id. Several nodes also keep each in the shared database ({@link #share}), so a conversation
 * continues on any node, this one's restart included.
 */
final class ResponseStore {
    static final int CAPACITY = 1_000;
    static final Duration TTL = Duration.ofHours(1);

    private record Entry(ArrayNode messages, Instant stored) {}

    private final int capacity;
    private final Duration ttl;
    private final Clock clock;
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();
    private volatile SharedConversations shared;

    ResponseStore(int capacity, Duration ttl, Clock clock) {
        this.capacity = capacity;
        this.ttl = ttl;
        this.clock = clock;
    }

    /** Several nodes: each conversation is also written to, and a missing one read from, the shared database. */
    void share(SharedConversations database) {
        this.shared = database;
    }

    void put(String id, ArrayNode conversation) {
        synchronized (this) {
            entries.put(id, new Entry(conversation.deepCopy(), clock.instant()));
            while (entries.size() > capacity) {
                entries.pollFirstEntry();
            }
        }
        SharedConversations db = shared;
        if (db != null) db.put(id, conversation.toString());
    }

    /** The conversation up to and including response {@code id}, a copy the caller may extend. */
    Optional<ArrayNode> conversation(String id) {
        synchronized (this) {
            dropExpired();
            Entry e = entries.get(id);
            if (e != null) return Optional.of(e.messages().deepCopy());
        }
        SharedConversations db = shared;
        if (db == null) return Optional.empty();
        return db.get(id).flatMap(text -> {
            try {
                return Json.MAPPER.readTree(text) instanceof ArrayNode a ? Optional.of(a) : Optional.empty();
            } catch (java.io.IOException e) {
                return Optional.empty();
            }
        });
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
