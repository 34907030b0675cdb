package dev.hearth.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.engine.Engine;
import dev.hearth.engine.EngineException;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;

/**
 * Forwards one OpenAI request to an engine's HTTP server. Streams pass through chunk by chunk as
 * the engine writes them (each read is written and flushed at once); a client that goes away ends
 * the upstream request, which tells the engine to stop generating. Non-streaming answers are read
 * whole first, so an engine dying mid-answer becomes a clean 502 instead of a truncated 200.
 */
final class Proxy {
    private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .executor(Executors.newVirtualThreadPerTaskExecutor())
            .build();

    /** What happened, for metrics. */
    record Outcome(int status, long firstByteNanos, boolean clientGone) {}

    Outcome forward(Engine engine, String path, ObjectNode body, boolean stream, ServerResponse res) {
        long start = System.nanoTime();
        URI uri = engine.baseUrl().resolve(path);
        HttpRequest request = HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/json")
                .header("Accept", stream ? "text/event-stream" : "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.bytes(body)))
                .build();
        HttpResponse<InputStream> upstream;
        try {
            upstream = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw EngineStopped.of(engine.model(), engine, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException("Interrupted while waiting for model '" + engine.model() + "'.", e);
        }
        String contentType = upstream.headers().firstValue("content-type").orElse("application/json");
        boolean sse = contentType.startsWith("text/event-stream");
        try (InputStream in = upstream.body()) {
            if (!sse) {
                byte[] whole = readWhole(engine, in);
                res.status(upstream.statusCode());
                res.header(HeaderNames.CONTENT_TYPE, contentType);
                res.send(whole);
                return new Outcome(upstream.statusCode(), System.nanoTime() - start, false);
            }
            return pipe(engine, in, upstream.statusCode(), res, start);
        } catch (IOException closing) {
            return new Outcome(upstream.statusCode(), 0, true);
        }
    }

    private static byte[] readWhole(Engine engine, InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            throw EngineStopped.of(engine.model(), engine, e);
        }
    }

    private Outcome pipe(Engine engine, InputStream in, int status, ServerResponse res, long start) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, "text/event-stream");
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        res.header("X-Accel-Buffering", "no"); // tell a reverse proxy in front not to buffer either
        OutputStream out = res.outputStream();
        byte[] buf = new byte[16 * 1024];
        long firstByte = 0;
        DoneMatcher done = new DoneMatcher();
        while (true) {
            int n;
            try {
                n = in.read(buf);
                // take what else has already arrived (never wait for more): one write and flush per
                // batch instead of per token when the engine outpaces us, as it does under load
                while (n > 0 && n < buf.length && in.available() > 0) {
                    int more = in.read(buf, n, Math.min(in.available(), buf.length - n));
                    if (more <= 0) {
                        break;
                    }
                    n += more;
                }
            } catch (IOException e) {
                return endWithError(engine, e, out, status, firstByte);
            }
            if (n < 0) {
                break;
            }
            if (firstByte == 0) {
                firstByte = System.nanoTime() - start;
            }
            done.feed(buf, n);
            if (!write(out, buf, n)) {
                return new Outcome(status, firstByte, true); // closing `in` cancels the upstream request
            }
        }
        if (!done.seen()) {
            return endWithError(engine, new IOException("stream ended without [DONE]"), out, status, firstByte);
        }
        close(out);
        return new Outcome(status, firstByte, false);
    }

    /** A stream has already answered 200, so the error travels as a final SSE event in the envelope. */
    private Outcome endWithError(Engine engine, IOException cause, OutputStream out, int status, long firstByte) {
        EngineException e = EngineStopped.of(engine.model(), engine, cause);
        byte[] event = ("data: " + Json.MAPPER.valueToTree(Errors.envelope(e)).toString() + "\n\n")
                .getBytes(StandardCharsets.UTF_8);
        boolean delivered = write(out, event, event.length);
        close(out);
        return new Outcome(status, firstByte, !delivered);
    }

    private static boolean write(OutputStream out, byte[] buf, int n) {
        try {
            out.write(buf, 0, n);
            out.flush();
            return true;
        } catch (IOException | UncheckedIOException | IllegalStateException clientGone) {
            return false;
        } catch (RuntimeException clientGone) {
            // Helidon reports a closed connection with its own runtime exception types
            return false;
        }
    }

    private static void close(OutputStream out) {
        try {
            out.close();
        } catch (IOException | RuntimeException ignored) {
            // the client is gone; nothing left to tell it
        }
    }

    /** Finds "[DONE]" in a stream read in chunks, even when a chunk boundary splits it. */
    private static final class DoneMatcher {
        private int matched;
        private boolean seen;

        void feed(byte[] buf, int n) {
            for (int i = 0; i < n && !seen; i++) {
                matched = buf[i] == DONE[matched] ? matched + 1 : (buf[i] == DONE[0] ? 1 : 0);
                seen = matched == DONE.length;
            }
        }

        boolean seen() { return seen; }
    }
}
