package dev.hearth.gateway;

import dev.hearth.BadRequestException;
import dev.hearth.Json;
import dev.hearth.PayloadTooLargeException;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Small helpers shared by the route classes. */
public final class Routes {
    private Routes() {}

    /** The largest body read whole (JSON); only a multipart upload streamed to disk may be larger. */
    public static final long MAX_BODY_BYTES = 64L * 1024 * 1024;

    public static byte[] body(ServerRequest req) {
        if (!req.content().hasEntity()) {
            return new byte[0];
        }
        if (req.headers().contentLength().orElse(0) > MAX_BODY_BYTES) throw tooLarge();
        try {
            // not closed here: closing drains what is left, and Helidon does that itself
            byte[] body = bodyStream(req).readNBytes((int) MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) throw tooLarge();
            return body;
        } catch (IllegalArgumentException e) {
            throw malformed();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static PayloadTooLargeException tooLarge() {
        return PayloadTooLargeException.requestBody("The request body is larger than this server accepts ("
                + MAX_BODY_BYTES / 1024 / 1024 + " MiB); send large media as a multipart upload.");
    }

    /**
     * The body as a stream, for routes that parse it as they read (multipart). Helidon 4.5 reports
     * a chunk size that is not hexadecimal as a bare NumberFormatException from read(): a 400 here.
     */
    public static InputStream bodyStream(ServerRequest req) {
        return new FilterInputStream(req.content().inputStream()) {
            @Override
            public int read() throws IOException {
                try {
                    return super.read();
                } catch (IllegalArgumentException e) {
                    throw malformed();
                }
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                try {
                    return super.read(b, off, len);
                } catch (IllegalArgumentException e) {
                    throw malformed();
                }
            }
        };
    }

    /** The connection is closed after this answer: where the next request would start is unknown. */
    private static BadRequestException malformed() {
        return new MalformedBodyException();
    }

    /** A body whose framing is broken; {@link ConnectionClose} closes the connection after the 400. */
    static final class MalformedBodyException extends BadRequestException {
        MalformedBodyException() {
            super("The request body could not be read: its chunked transfer encoding is"
                    + " malformed (a chunk size must be a hexadecimal number).", null);
        }
    }

    public static void json(ServerResponse res, int status, Object body) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(Json.bytes(body));
    }
}
