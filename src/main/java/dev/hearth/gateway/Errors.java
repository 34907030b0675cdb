package dev.hearth.gateway;

import dev.hearth.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.HearthException;
import dev.hearth.QueueFullException;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpException;
import io.helidon.http.RequestException;
import io.helidon.webserver.http.ServerResponse;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The one place where exceptions become HTTP answers in the OpenAI error envelope
 * {"error":{"message","type","code","param"}}. Unexpected exceptions are logged here and answered
 * with a generic 500 — never a stack trace or an internal message.
 */
public final class Errors {
    private static final Logger LOG = System.getLogger("hearth.gateway");

    private Errors() {}

    /** The envelope for an error, as sent to clients (also used inside SSE streams). */
    public static ObjectNode envelope(String message, String type, String code, String param) {
        ObjectNode error = Json.object();
        error.put("message", message);
        error.put("type", type);
        if (code == null) {
            error.putNull("code");
        } else {
            error.put("code", code);
        }
        if (param == null) {
            error.putNull("param");
        } else {
            error.put("param", param);
        }
        ObjectNode root = Json.object();
        root.set("error", error);
        return root;
    }

    public static ObjectNode envelope(HearthException e) {
        // a 5xx message comes from the server's side (an engine's failure): no log lines, no paths
        String message = e.status() >= 500 ? ClientText.of(e.getMessage(), null) : e.getMessage();
        ObjectNode root = envelope(message, e.type(), e.code(), e.param());
        ObjectNode error = (ObjectNode) root.get("error");
        e.details().forEach((k, v) -> error.set(k, Json.MAPPER.valueToTree(v)));
        return root;
    }

    /** Strips the wrappers that futures put around the real cause. */
    public static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** Answers the request with the error, unless the response was already sent. */
    public static void send(ServerResponse res, Throwable thrown) {
        if (res.isSent()) {
            return;
        }
        HearthException e = classify(unwrap(thrown));
        Duration held = e instanceof QueueFullException full
                ? RefusalPacer.SHARED.refusing(full.model()) // a storm of retries at once is slowed here
                : Duration.ZERO;
        if (e.retryAfterSeconds() >= 0) {
            res.header(HeaderNames.RETRY_AFTER, Long.toString(RefusalPacer.retryAfter(e.retryAfterSeconds(), held)));
        }
        res.status(e.status());
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(Json.bytes(envelope(e)));
    }

    public static HearthException classify(Throwable t) {
        if (t instanceof HearthException he) {
            return he;
        }
        if (t instanceof RequestException re) {
            return fromStatus(re.status().code(), re.getMessage());
        }
        if (t instanceof HttpException he) {
            return fromStatus(he.status().code(), he.getMessage());
        }
        LOG.log(Level.ERROR, "unexpected error while serving a request", t);
        return new ApiError(500, "server_error", "internal_error",
                "Hearth hit an internal error; the server log has the details.", null);
    }

    private static HearthException fromStatus(int status, String message) {
        return switch (status) {
            case 413 -> new ApiError(413, "invalid_request_error", "request_too_large",
                    "The request body is larger than this server accepts.", null);
            case 404 -> ApiError.notFound("No such route.");
            case 405 -> new ApiError(405, "invalid_request_error", "method_not_allowed",
                    "This route does not accept that HTTP method.", null);
            // Helidon refuses HTTP/1.0 on a connection that began as HTTP/1.1 (see Http10)
            case 505 -> new ApiError(505, "invalid_request_error", "http_version_not_supported",
                    "This server speaks HTTP/1.1: send the request as HTTP/1.1, or HTTP/1.0 as the only request"
                            + " of its connection.", null);
            case 503 -> new ApiError(503, "server_error", "overloaded",
                    "The server is handling as many requests as it accepts; try again.", null);
            default -> status >= 400 && status < 500
                    ? new ApiError(status, "invalid_request_error", "bad_request",
                            "The request could not be read: " + safe(message), null)
                    : new ApiError(500, "server_error", "internal_error",
                            "Hearth hit an internal error; the server log has the details.", null);
        };
    }

    private static String safe(String message) {
        return message == null ? "malformed request" : message.lines().findFirst().orElse("").trim();
    }
}
