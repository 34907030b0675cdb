package dev.hearth.gateway;

import dev.hearth.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.HearthException;
import dev.hearth.HttpClients;
import dev.hearth.config.ProxyTimeouts;
import dev.hearth.EngineException;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/**
 * Forwards one OpenAI request to an engine's HTTP server. Streams pass through chunk by chunk as
 * the engine writes them (each read is written and flushed at once); non-streaming answers are
 * read whole first, so an engine dying mid-answer becomes a clean 502 instead of a truncated 200.
 *
 * <p>Every wait ends ({@link ProxyTimeouts}): connect, first byte, and each silence between chunks.
 * Whatever ends the request early — a timeout, the client leaving, an unload — goes through its
 * {@link Abort}, which cancels the upstream call and closes its body (the engine then stops
 * generating), and the client hears why: a 504/503 while nothing was sent, else a final SSE
 * error event. A stream's head goes out when the engine's does ({@link StreamPipe}): a first-byte timeout
 * before it is a 504, after it a final error event.
 */
public final class Proxy {
    public static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);
    /** How long an engine has to end an exchange after its stream's [DONE] before its connection is cut. */
    static final Duration ENDING_GRACE = Duration.ofSeconds(2);
    /** The last event of a streamed transcription (OpenAI's audio API sends no [DONE]). */
    public static final byte[] TRANSCRIPT_DONE = "\"transcript.text.done\"".getBytes(StandardCharsets.US_ASCII);

    /** One client per connect timeout (the JDK client fixes it at build time); few distinct values. */
    private final Map<Duration, HttpClient> clients = new ConcurrentHashMap<>();

    /**
     * What happened, for metrics.
     *
     * @param tokens tokens generated: a whole answer's {@code usage.completion_tokens}; for a stream its
     *               events less the last ({@code [DONE]}), one token each as llama.cpp and vLLM send them
     */
    public record Outcome(int status, long firstByteNanos, boolean clientGone, long tokens) {
        Outcome(int status, long firstByteNanos, boolean clientGone) {
            this(status, firstByteNanos, clientGone, 0);
        }
    }

    /**
     * Where a request goes: the model's name (for messages), its engine's base URL, what completes
     * when that engine dies unasked (its reason, which a broken connection waits for; asked for only
     * then, so a request that goes well costs no future), and what to run once the engine's answer has
     * been read whole, before its end reaches the client: the model's lease goes back there, so a
     * client's next request, sent the moment this one ended, never meets this one's lease (with
     * {@code max_queue: 0}, a 429 for a request that was alone).
     */
    public record Upstream(String model, URI baseUrl, Supplier<CompletableFuture<String>> crashed, Runnable answered) {}

    /**
     * The engine at {@code baseUrl} is about to be stopped: the gateway closes its idle connections to
     * it, which some servers would otherwise wait on before they exit.
     */
    public static void engineStopping(URI baseUrl) {
        if (EngineHttp.serves(baseUrl)) EngineHttp.SHARED.closeIdle(baseUrl);
    }

    public Outcome forward(Upstream engine, String path, ObjectNode body, boolean stream, ServerResponse res,
                    ProxyTimeouts timeouts, Abort abort) {
        return forward(engine, path, body, stream, res, timeouts, abort, null);
    }

    /**
     * @param opened a stream already answered 200 with SSE headers ({@link LoadingStream}), which the
     *               engine's chunks continue; null to answer as the engine does
     */
    public Outcome forward(Upstream engine, String path, ObjectNode body, boolean stream, ServerResponse res,
                    ProxyTimeouts timeouts, Abort abort, OutputStream opened) {
        return forward(engine, path, bytes(Json.bytes(body)), "application/json",
                Map.of(), stream, DONE, res, timeouts, abort, opened);
    }

    /**
     * Any body (a multipart upload rebuilt for the engine): the answer comes back as the engine
     * sends it, whatever its type (audio bytes, text, JSON, or a stream).
     *
     * @param headers more headers for the engine (a forwarded request's Authorization)
     * @param end what a stream's last event carries when it ended as it should ([DONE] for chat,
     *            "transcript.text.done" for a transcription): a stream that closes without it is reported
     *            broken in a final error event
     */
    public Outcome forward(Upstream engine, String path, HttpRequest.BodyPublisher body, String bodyType,
                           Map<String, String> headers, boolean stream, byte[] end, ServerResponse res,
                           ProxyTimeouts timeouts, Abort abort, OutputStream opened) {
        return forward(engine, path, body, bodyType, headers, stream, java.util.List.of(end), res, timeouts, abort, opened,
                Reshape.NONE);
    }

    /**
     * A body the proxy holds whole (JSON): to an {@code http://} engine it is sent over
     * {@link EngineHttp}, any other way (an upload streamed from disk, an {@code https://} engine)
     * through the JDK client.
     */
    public static HttpRequest.BodyPublisher bytes(byte[] body) {
        return new WholeBody(body);
    }

    /**
     * How the client hears an engine's answer when it asked another API than the engine speaks (the
     * Responses API over an engine's chat completions): timeouts, aborts and metrics stay the proxy's.
     */
    public interface Reshape {
        Reshape NONE = new Reshape() {
            @Override public byte[] whole(int status, byte[] body) { return body; }
            @Override public OutputStream stream(OutputStream client) { return client; }
        };

        /** A whole answer, any status, as the client gets it (JSON). */
        byte[] whole(int status, byte[] body);

        /**
         * Where the engine's stream is written: the bytes as they arrive, any final error event in the
         * envelope, then close; it writes what the client gets to {@code client}.
         */
        OutputStream stream(OutputStream client);
    }

    /**
     * @param ends    what a stream's last event may carry when it ended as it should (the Responses API
     *                ends in response.completed, .incomplete or .failed)
     * @param reshape how the engine's answer reaches the client
     */
    public Outcome forward(Upstream engine, String path, HttpRequest.BodyPublisher body, String bodyType,
                           Map<String, String> headers, boolean stream, java.util.List<byte[]> ends, ServerResponse res,
                           ProxyTimeouts timeouts, Abort abort, OutputStream opened, Reshape reshape) {
        URI uri = engine.baseUrl().resolve(path);
        if (body instanceof WholeBody whole && EngineHttp.serves(uri)) {
            return forwardPlain(engine, uri, whole.bytes(), bodyType, headers, stream, ends, res, timeouts, abort, opened,
                    reshape);
        }
        long start = System.nanoTime();
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .header("Content-Type", bodyType)
                .header("Accept", stream ? "text/event-stream" : "*/*")
                .POST(body);
        headers.forEach(b::header);
        HttpRequest request = b.build();
        try (Deadline deadline = Deadline.start(abort, engine.model(), timeouts)) {
            CompletableFuture<HttpResponse<InputStream>> sending =
                    client(timeouts.connect()).sendAsync(request, HttpResponse.BodyHandlers.ofInputStream());
            abort.onAbort(() -> sending.cancel(true)); // aborts the exchange; the engine sees the connection close
            HttpResponse<InputStream> upstream = await(sending, engine, timeouts, abort);
            try (InputStream in = upstream.body()) {
                abort.onAbort(() -> closeQuietly(in)); // wakes a read blocked on a silent engine
                return answered(engine, upstream.statusCode(),
                        upstream.headers().firstValue("content-type").orElse("application/json"), in, res, start,
                        deadline, abort, opened, ends, reshape);
            } catch (IOException closing) {
                return new Outcome(upstream.statusCode(), 0, abort.clientGone());
            }
        }
    }

    /**
     * {@link #forward} over {@link EngineHttp}: the same answers, timeouts and aborts, sent and read on
     * a platform thread: the client connection's own ({@link Http1Front}), else a relay thread
     * ({@link Relays}). Only platform threads use these connections: a socket a virtual thread has used
     * stays non-blocking for good, and every read on it then costs a poll as well.
     */
    private Outcome forwardPlain(Upstream engine, URI uri, byte[] body, String bodyType, Map<String, String> headers,
                                 boolean stream, java.util.List<byte[]> ends, ServerResponse res, ProxyTimeouts timeouts,
                                 Abort abort, OutputStream opened, Reshape reshape) {
        long start = System.nanoTime();
        try (Deadline deadline = Deadline.start(abort, engine.model(), timeouts)) {
            return Relays.run(() -> {
                EngineBody answer;
                try {
                    // from here the abort closes the connection, which wakes whatever read or write waits on it
                    answer = EngineHttp.SHARED.send(uri, body, bodyType, stream ? "text/event-stream" : "*/*", headers,
                            timeouts.connect(), abort);
                } catch (IOException e) {
                    throw unreached(engine, e, timeouts, abort);
                }
                try (EngineBody in = answer) {
                    return answered(engine, answer.status(), answer.contentType() == null ? "application/json"
                            : answer.contentType(), in, res, start, deadline, abort, opened, ends, reshape);
                }
            }, abort);
        }
    }

    /** The error for a request that never got an answer's head: the abort's, a connect timeout's, or a 502. */
    private static HearthException unreached(Upstream engine, IOException e, ProxyTimeouts timeouts, Abort abort) {
        if (e instanceof HttpConnectTimeoutException) {
            abort.abort(Abort.Reason.CONNECT_TIMEOUT, Abort.timeout(engine.model(), "could not be connected to within "
                    + Abort.human(timeouts.connect()), "connect_timeout"));
        }
        return aborted(abort, engine, e);
    }

    /** The engine's answer, whole or streamed, as the client gets it. */
    private Outcome answered(Upstream engine, int status, String contentType, InputStream in, ServerResponse res,
                             long start, Deadline deadline, Abort abort, OutputStream opened,
                             java.util.List<byte[]> ends, Reshape reshape) {
        if (!contentType.startsWith("text/event-stream") && opened != null) {
            // the engine answered with an error body where a stream was begun: its envelope as the last event
            byte[] whole = readWhole(engine, in, deadline, abort);
            StreamPipe.write(opened, ("data: " + new String(whole, StandardCharsets.UTF_8).strip() + "\n\n")
                    .getBytes(StandardCharsets.UTF_8), -1);
            StreamPipe.close(opened);
            return new Outcome(status, System.nanoTime() - start, false);
        }
        if (!contentType.startsWith("text/event-stream")) {
            byte[] whole = readWhole(engine, in, deadline, abort);
            engine.answered().run();
            res.status(status);
            res.header(HeaderNames.CONTENT_TYPE, contentType);
            res.send(reshape.whole(status, whole));
            return new Outcome(status, System.nanoTime() - start, false, StreamScan.completionTokens(whole));
        }
        return StreamPipe.pipe(engine, in, status, res, start, deadline, abort, opened, ends, reshape);
    }

    private HttpClient client(Duration connectTimeout) {
        return clients.computeIfAbsent(connectTimeout, HttpClients::engineManyStreams);
    }

    /** The response headers, or the reason there are none. */
    private static HttpResponse<InputStream> await(CompletableFuture<HttpResponse<InputStream>> sending,
                                                   Upstream engine, ProxyTimeouts timeouts, Abort abort) {
        try {
            return sending.get();
        } catch (CancellationException cancelled) {
            throw aborted(abort, engine, cancelled);
        } catch (ExecutionException e) {
            if (abort.why() != null) {
                throw aborted(abort, engine, e);
            }
            if (e.getCause() instanceof HttpConnectTimeoutException) {
                abort.abort(Abort.Reason.CONNECT_TIMEOUT,
                        Abort.timeout(engine.model(), "could not be connected to within "
                                + Abort.human(timeouts.connect()), "connect_timeout"));
                throw aborted(abort, engine, e);
            }
            throw EngineStopped.of(engine, e.getCause() instanceof Exception c ? c : e);
        } catch (InterruptedException e) {
            sending.cancel(true);
            Thread.currentThread().interrupt();
            throw new EngineException("Interrupted while waiting for model '" + engine.model() + "'.", e);
        }
    }

    /** The abort's error, or a 502 if the call failed on its own. */
    static HearthException aborted(Abort abort, Upstream engine, Exception cause) {
        Abort.Why why = abort.why();
        return why != null ? why.error() : EngineStopped.of(engine, cause);
    }

    private static byte[] readWhole(Upstream engine, InputStream in, Deadline deadline, Abort abort) {
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        byte[] buf = new byte[16 * 1024];
        try {
            for (int n; (n = in.read(buf)) >= 0; ) {
                deadline.chunkArrived();
                whole.write(buf, 0, n);
            }
        } catch (IOException e) {
            throw aborted(abort, engine, e);
        }
        if (abort.why() != null) { // a closed body reads as its end
            throw abort.why().error();
        }
        return whole.toByteArray();
    }


    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
