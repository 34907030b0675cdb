package dev.hearth.app;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * A remote OpenAI-ish engine that is "starting" (its /health answers 503) until {@link #warm}
 * is set, then streams one reply: a cold model for exactly as long as the test needs.
 */
final class ColdEngine implements AutoCloseable {
    final HttpServer server;
    volatile boolean warm;

    ColdEngine() throws IOException {
        server = HttpServer.create(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/health", x -> {
            x.sendResponseHeaders(warm ? 200 : 503, -1);
            x.close();
        });
        server.createContext("/v1/chat/completions", x -> {
            x.getRequestBody().readAllBytes();
            // markdown with raw HTML in it: the page must render the one and show the other as text
            byte[] body = ("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":"
                    + "\"Warm **now** <img src=x onerror=alert(1)>\\n\\n```\\nsome code\\n```\"}}]}\n\n"
                    + "data: [DONE]\n\n").getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().set("Content-Type", "text/event-stream");
            x.sendResponseHeaders(200, body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        server.start();
    }

    String url() { return "http://127.0.0.1:" + server.getAddress().getPort(); }

    @Override
    public void close() { server.stop(0); }
}
