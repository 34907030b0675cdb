package dev.hearth.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.scheduler.ModelEvent;
import dev.hearth.scheduler.Models;
import io.helidon.http.sse.SseEvent;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.sse.SseSink;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * GET /api/events: model events (loading, ready, unloaded and why…) as server-sent events, for the
 * web page and for `curl -N`. The scheduler's thread only offers to a bounded queue; the client's
 * own request thread writes, so a slow client can lose events but never slow the scheduler.
 */
final class EventsRoute {
    private static final Duration KEEPALIVE = Duration.ofSeconds(15);
    /** Put in a subscriber's queue to end its stream: Hearth is stopping. */
    private static final ModelEvent END = new ModelEvent(java.time.Instant.EPOCH, "", ModelEvent.Type.UNLOADED, null, 0, null);
    private final Models models;
    private final java.util.Set<BlockingQueue<ModelEvent>> open = java.util.concurrent.ConcurrentHashMap.newKeySet();

    EventsRoute(Models models) {
        this.models = models;
    }

    /** Ends every open stream, so stopping the server does not wait out their keep-alive. */
    void close() {
        open.forEach(q -> q.offer(END));
    }

    /** @param admin whether the caller may read engines' log lines (in a failure's {@code detail}) */
    void handle(ServerResponse res, boolean admin) {
        BlockingQueue<ModelEvent> queue = new LinkedBlockingQueue<>(1024);
        Consumer<ModelEvent> listener = queue::offer;
        models.addListener(listener);
        open.add(queue);
        try (SseSink sink = res.sink(SseSink.TYPE)) {
            sink.emit(SseEvent.builder().comment("hearth model events").build());
            while (true) {
                ModelEvent e = queue.poll(KEEPALIVE.toMillis(), TimeUnit.MILLISECONDS);
                if (e == END) {
                    return;
                }
                // a keep-alive comment also finds out when the client has gone
                sink.emit(e == null
                        ? SseEvent.builder().comment("keep-alive").build()
                        : SseEvent.builder().name("model").data(Json.MAPPER.writeValueAsString(json(e, admin))).build());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception clientGone) {
            // the client disconnected: stop listening
        } finally {
            open.remove(queue);
            models.removeListener(listener);
        }
    }

    static ObjectNode json(ModelEvent e, boolean admin) {
        ObjectNode o = Json.object();
        o.put("at", e.at().toString());
        o.put("model", e.model());
        o.put("type", e.type().wire());
        if (e.reason() == null) {
            o.putNull("reason");
        } else {
            o.put("reason", e.reason().wire());
        }
        o.put("memory_bytes", e.memoryBytes());
        if (e.detail() == null) {
            o.putNull("detail");
        } else {
            o.put("detail", admin ? e.detail() : ClientText.of(e.detail(), e.model()));
        }
        return o;
    }
}
