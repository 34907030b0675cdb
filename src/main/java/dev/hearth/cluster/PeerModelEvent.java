package dev.hearth.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.Json;
import dev.hearth.observe.Topic;
import dev.hearth.scheduler.ModelEvent;
import dev.hearth.scheduler.StopReason;

import java.time.Instant;
import java.util.Locale;

/**
 * A model event of another node, as it reaches this one over the shared database: on a topic of its
 * own, so this node's metrics and scheduler listeners (which follow {@link ModelEvent#TOPIC}) never
 * take another node's model for their own; {@code /api/events} shows both, naming the node.
 */
public record PeerModelEvent(String node, ModelEvent event) {
    public static final Topic<PeerModelEvent> TOPIC = new Topic<>("model-peer", PeerModelEvent.class);
    /** NOTIFY payloads are capped at 8,000 bytes: a longer detail is cut. */
    private static final int MAX_DETAIL = 2000;

    static ObjectNode json(ModelEvent e) {
        ObjectNode o = Json.object().put("at", e.at().toString()).put("model", e.model()).put("type", e.type().name())
                .put("memory", e.memoryBytes());
        if (e.reason() != null) o.put("reason", e.reason().name());
        if (e.detail() != null) o.put("detail", e.detail().length() > MAX_DETAIL ? e.detail().substring(0, MAX_DETAIL) + "…"
                : e.detail());
        return o;
    }

    static PeerModelEvent read(String node, JsonNode o) {
        String reason = o.path("reason").asText(null);
        return new PeerModelEvent(node, new ModelEvent(Instant.parse(o.path("at").asText()), o.path("model").asText(),
                ModelEvent.Type.valueOf(o.path("type").asText().toUpperCase(Locale.ROOT)),
                reason == null ? null : StopReason.valueOf(reason), o.path("memory").asLong(),
                o.path("detail").asText(null)));
    }
}
