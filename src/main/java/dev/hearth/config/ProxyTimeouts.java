package dev.hearth.config;

import java.time.Duration;

/**
 * How long the gateway waits on an engine's HTTP server for one request; when one runs out the
 * client gets a 504 (or, once a stream has begun, a final SSE error event) and the upstream call
 * is closed, so a hung engine never holds a lease for ever.
 *
 * @param connect   opening the TCP connection to the engine
 * @param firstByte from sending the request to the first byte of the answer's body (vLLM may think
 *                  for minutes over a long prompt first); zero = no limit
 * @param chunk     the longest silence between two reads once the answer has begun; zero = no limit
 */
public record ProxyTimeouts(Duration connect, Duration firstByte, Duration chunk) {
    public static final ProxyTimeouts DEFAULTS =
            new ProxyTimeouts(Defaults.CONNECT_TIMEOUT, Defaults.FIRST_BYTE_TIMEOUT, Defaults.CHUNK_TIMEOUT);
}
