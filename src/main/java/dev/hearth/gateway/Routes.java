package dev.hearth.gateway;

import dev.hearth.BadRequestException;
import dev.hearth.Json;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Small helpers shared by the route classes. */
public final class Routes {
    private Routes() {}

    public static byte[] body(ServerRequest req) {
        if (!req.content().hasEntity()) {
            return new byte[0];
        }
        try {
            return req.content().as(byte[].class);
        } catch (IllegalArgumentException e) {
            throw malformed();
        }
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
