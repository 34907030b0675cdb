package dev.hearth.api.admin;

import dev.hearth.gateway.Callers;
import dev.hearth.Principal;
import dev.hearth.api.jobs.JobJson;
import dev.hearth.gateway.ClientText;
import dev.hearth.gateway.SseWriter;
import dev.hearth.HearthException;
import dev.hearth.jobs.Job;
import dev.hearth.jobs.JobService;
import dev.hearth.observe.EventBus;
import dev.hearth.cluster.PeerModelEvent;
import dev.hearth.scheduler.ModelEvent;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.HashMap;
import java.util.Map;

/**
 * GET /api/events: model events (loading, ready, unloaded and why…) and job events (every change of
 * every job the caller may see) on one stream, for the web page and for {@code curl -N}. Written by
 * the one {@link SseWriter}: a slow client loses events, never slows the scheduler or a job.
 */
public final class EventsRoute {
    private static final int QUEUE = 1024;
    private final EventBus bus;
    private final JobService jobs;
    private final SseWriter sse;

    public EventsRoute(EventBus bus, JobService jobs, SseWriter sse) {
        this.bus = bus;
        this.jobs = jobs;
        this.sse = sse;
    }

    public void register(io.helidon.webserver.http.HttpRouting.Builder r) {
        r.get("/api/events", this::handle);
    }

    private void handle(ServerRequest req, ServerResponse res) {
        Principal caller = Callers.of(req);
        SseWriter.Stream<Object> stream = sse.stream(QUEUE);
        try (EventBus.Subscription models = bus.subscribe(ModelEvent.TOPIC, null, stream);
             EventBus.Subscription peers = bus.subscribe(PeerModelEvent.TOPIC, null, stream);
             EventBus.Subscription mine = jobs.as(caller).subscribeAll(stream::accept)) {
            sse.write(res, stream, "hearth events", null, new Feed(caller.admin()));
        }
    }

    /** Sends each event as it is to this caller; a job's older version after a newer one is skipped. */
    private final class Feed implements SseWriter.Feed<Object> {
        private final boolean admin;
        /** The version last sent of each job not yet finished. */
        private final Map<String, Long> sent = new HashMap<>();

        Feed(boolean admin) {
            this.admin = admin;
        }

        @Override
        public boolean send(Object item, SseWriter.Out out) throws Exception {
            switch (item) {
                case ModelEvent e -> out.event("model", json(e, admin));
                case PeerModelEvent p -> out.event("model", json(p.event(), admin, p.node()));
                case Job j -> {
                    Long before = sent.get(j.id());
                    if (before != null && j.version() < before) return true;
                    if (j.state().terminal()) sent.remove(j.id());
                    else sent.put(j.id(), j.version());
                    out.event("job", JobJson.of(j, position(j), admin));
                }
                default -> throw new IllegalStateException("not an event: " + item);
            }
            return true;
        }

        private JobService.Position position(Job j) {
            if (j.state().terminal()) return null;
            try {
                return jobs.position(j.id());
            } catch (HearthException deleted) {
                return null;
            }
        }
    }

    static AdminDtos.ModelEventView json(ModelEvent e, boolean admin) {
        return json(e, admin, null);
    }

    /** @param node the node it happened on, when not this one */
    static AdminDtos.ModelEventView json(ModelEvent e, boolean admin, String node) {
        return new AdminDtos.ModelEventView(e.at().toString(), e.model(), e.type().wire(),
                e.reason() == null ? null : e.reason().wire(), e.memoryBytes(),
                e.detail() == null ? null : admin ? e.detail() : ClientText.of(e.detail(), e.model()), node);
    }
}
