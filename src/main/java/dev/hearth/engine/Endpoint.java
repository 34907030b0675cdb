package dev.hearth.engine;

import java.net.URI;

/**
 * How a running engine is reached, which the API switches over exhaustively: an HTTP server that
 * requests are proxied to, code in this JVM, or a runner of queued jobs, or a command run per request. An engine that is not
 * running (never started, stopped, or just died) is {@link Down}.
 */
public sealed interface Endpoint {

    /** An OpenAI-compatible server, e.g. {@code http://127.0.0.1:41234}. */
    record Http(URI baseUrl) implements Endpoint {}

    /** Embeddings computed inside this JVM. */
    record InProcess(EmbeddingBackend embeddings) implements Endpoint {}

    /** Runs queued jobs, one at a time. */
    record Jobs(JobEngine runner) implements Endpoint {}

    /** A command run once per request (a CLI: tesseract, espeak-ng, pocketsphinx, whisper-cli). */
    record Command(CommandRunner runner) implements Endpoint {}

    /** Not running: nothing answers until the scheduler starts the engine again. */
    record Down() implements Endpoint {}

    Down DOWN = new Down();

    /** The HTTP base URL, or null when this endpoint is not an HTTP server. */
    default URI httpUrl() {
        return this instanceof Http h ? h.baseUrl() : null;
    }
}
