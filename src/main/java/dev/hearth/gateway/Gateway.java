package dev.hearth.gateway;

import dev.hearth.catalog.Catalog;
import dev.hearth.engine.LogBuffer;
import dev.hearth.jobs.JobService;
import dev.hearth.observe.EventBus;
import dev.hearth.observe.Hardware;
import dev.hearth.observe.Metrics;
import dev.hearth.scheduler.Models;
import dev.hearth.HearthException;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.HttpException;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http.HttpRouting;

import java.util.function.Function;

/** All HTTP routes of Hearth on one routing, with auth and the error envelope in front of them. */
public final class Gateway {
    private final OpenAiRoutes openAi;
    private final AdminRoutes admin;
    private final JobRoutes jobs;
    private final EventsRoute events;
    private final SseWriter sse = new SseWriter();
    private final ApiKeys keys;
    private final java.util.function.Consumer<HttpRouting.Builder> jobApis;

    /**
     * @param events  the event bus whose model and job events {@code /api/events} streams
     * @param jobApis registers the job API dialects (LightX2V, VideosDGX, OpenAI videos) of
     *                {@code dev.hearth.jobs.api}; the app wires them, so gateway does not depend on them
     */
    public Gateway(Catalog catalog, Models models, JobService jobs, EventBus events, Metrics metrics, Hardware hardware,
                   Function<String, LogBuffer> logs, ApiKeys keys, String version,
                   java.util.function.Consumer<HttpRouting.Builder> jobApis) {
        this.jobApis = jobApis;
        this.openAi = new OpenAiRoutes(catalog, models, metrics);
        this.jobs = new JobRoutes(jobs, sse);
        this.events = new EventsRoute(events, jobs, sse);
        this.admin = new AdminRoutes(catalog, models, metrics, hardware, logs, version);
        this.keys = keys;
    }

    /**
     * Errors Helidon answers before any route runs (a body over the size limit, a malformed request
     * line or header) get the same envelope as every other error.
     */
    public static void directHandlers(DirectHandlers.Builder b) {
        for (DirectHandler.EventType type : DirectHandler.EventType.values()) {
            b.addHandler(type, (request, eventType, status, headers, message) -> {
                HearthException e = Errors.classify(new HttpException(message, status));
                headers.set(HeaderValues.create(HeaderNames.CONTENT_TYPE, "application/json"));
                return DirectHandler.TransportResponse.builder()
                        .status(Status.create(e.status()))
                        .headers(headers)
                        .entity(Json.bytes(Errors.envelope(e)))
                        .keepAlive(eventType.keepAlive())
                        .build();
            });
        }
    }

    /** Ends long-lived streams (/api/events, a job's events) so the server can stop without waiting for them. */
    public void close() {
        sse.close();
    }

    public void routing(HttpRouting.Builder r) {
        ConnectionClose.register(r);
        guard(r);
        openAi.register(r);
        jobs.register(r);
        jobApis.accept(r);
        admin.register(r);
        r.get("/api/events", events::handle);
        notFound(r);
    }

    /**
     * The routing of an extra socket (a model's own {@code port}, serving its VideosDGX API at
     * {@code /}): the same API keys, error envelope and 404 as the main port around {@code routes}.
     */
    public void socketRouting(HttpRouting.Builder r, java.util.function.Consumer<HttpRouting.Builder> routes) {
        ConnectionClose.register(r);
        guard(r);
        routes.accept(r);
        notFound(r);
    }

    /**
     * With keys, every route but {@link ApiKeys#OPEN} needs one; the key's {@link Principal} is put
     * in the request's context, where routes find it with {@link Principal#of}.
     */
    private void guard(HttpRouting.Builder r) {
        if (keys.required()) {
            r.addFilter((chain, req, res) -> {
                var principal = keys.principal(req.headers().first(HeaderNames.AUTHORIZATION).orElse(null));
                principal.ifPresent(p -> req.context().register(p));
                if (principal.isPresent() || ApiKeys.OPEN.contains(req.path().path())) {
                    chain.proceed();
                } else {
                    Errors.send(res, ApiError.unauthorized(
                            "Missing or wrong API key: send 'Authorization: Bearer <key>' with a key from api_keys_file."));
                }
            });
        }
        r.error(Throwable.class, (req, res, t) -> ConnectionClose.onError(res, t));
    }

    private static void notFound(HttpRouting.Builder r) {
        r.any((req, res) -> Errors.send(res, ApiError.notFound(
                "No route for " + req.prologue().method().text() + " " + req.path().path() + ".")));
    }
}
