package dev.hearth.gateway;

import dev.hearth.Json;
import dev.hearth.Principal;
import dev.hearth.HearthException;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.HttpException;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http.HttpRouting;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * The HTTP front of Hearth: API keys and the error envelope around every route, the 404 for no
 * route, and the one {@link SseWriter} whose streams close with the server. It knows no route:
 * {@code routes} (the {@code api} package's dialects, wired by the app) registers them.
 */
public final class Gateway {
    private final SseWriter sse;
    private final ApiKeys keys;
    private final Consumer<HttpRouting.Builder> routes;

    public Gateway(ApiKeys keys, SseWriter sse, Consumer<HttpRouting.Builder> routes) {
        this.keys = keys;
        this.sse = sse;
        this.routes = routes;
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
        routes.accept(r);
        notFound(r);
    }

    /**
     * The routing of an extra socket (a model's own {@code port}, serving its VideosDGX API at
     * {@code /}): the same API keys, error envelope and 404 as the main port around {@code routes}.
     */
    public void socketRouting(HttpRouting.Builder r, Consumer<HttpRouting.Builder> routes) {
        ConnectionClose.register(r);
        guard(r);
        routes.accept(r);
        notFound(r);
    }

    /**
     * With keys, every route but {@link ApiKeys#open} ones needs one; the key's {@link Principal} is put
     * in the request's context, where routes find it with {@link Principal#of}.
     */
    private void guard(HttpRouting.Builder r) {
        if (keys.required()) {
            r.addFilter((chain, req, res) -> {
                String authorization = req.headers().first(HeaderNames.AUTHORIZATION).orElse(null);
                if (authorization == null && ApiKeys.mediaRead(req.prologue().method().text(), req.path().path())) {
                    authorization = req.headers().cookies().first(ApiKeys.MEDIA_COOKIE)
                            .map(k -> "Bearer " + URLDecoder.decode(k, StandardCharsets.UTF_8))
                            .orElse(null);
                }
                var principal = keys.principal(authorization);
                principal.ifPresent(p -> req.context().register(p));
                if (principal.isPresent() || ApiKeys.open(req.path().path())) {
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
