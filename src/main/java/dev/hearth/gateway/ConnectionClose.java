package dev.hearth.gateway;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

import java.util.Locale;

/**
 * Closes the connection after the answer when the client sent {@code Connection: close} (and every
 * HTTP/1.0 request, see {@link Http10}). Helidon 4.5 answers {@code Connection: close} but keeps
 * reading the socket, and, because it skips the unread body of such a request, reads that body
 * as the next request: a body that is itself an HTTP request would be served. Without
 * {@code close}, Helidon reads and discards an unread body before the next request itself.
 */
final class ConnectionClose {
    /** An unread body up to this size is read and dropped first, so closing does not reset the answer. */
    static final long DRAIN_LIMIT = 64 * 1024;

    private ConnectionClose() {}

    /** The first filter: it must see every answer, the 401 of the key check included. */
    static void register(HttpRouting.Builder r) {
        r.addFilter(ConnectionClose::filter);
    }

    private static void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        if (!asksToClose(req)) {
            chain.proceed();
            return;
        }
        try {
            chain.proceed();
        } catch (CloseConnectionException e) {
            throw e;
        } catch (RuntimeException e) {
            Errors.send(res, e); // as the error handler would; it cannot run once we close below
        }
        drain(req);
        throw new CloseConnectionException("the client asked to close the connection");
    }

    /**
     * The error handler's answer: the envelope, and for a body whose chunk framing is broken the
     * connection closed after it, since the rest of that body must never be read as the next request.
     */
    static void onError(io.helidon.webserver.http.ServerResponse res, Throwable t) {
        boolean broken = Errors.unwrap(t) instanceof Routes.MalformedBodyException;
        if (broken && !res.isSent()) {
            res.header(HeaderNames.CONNECTION, "close");
        }
        Errors.send(res, t);
        if (broken) {
            throw new CloseConnectionException("the request body's chunk framing is broken");
        }
    }

    static boolean asksToClose(RoutingRequest req) {
        for (String value : req.headers().values(HeaderNames.CONNECTION)) {
            for (String token : value.split(",")) {
                if (token.trim().toLowerCase(Locale.ROOT).equals("close")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void drain(RoutingRequest req) {
        try {
            if (req.content().hasEntity() && !req.content().consumed()
                    && req.headers().contentLength().orElse(Long.MAX_VALUE) <= DRAIN_LIMIT) {
                req.content().consume();
            }
        } catch (RuntimeException ignored) {
            // the body is malformed or the client is gone: closing is all that is left to do
        }
    }
}
