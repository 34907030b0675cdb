package dev.hearth.engine.llamacpp;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.hearth.HearthException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The child's HTTP surface: {@code /health}, {@code /v1/models}, {@code /v1/chat/completions},
 * {@code /v1/completions}. It is up before the model loads so that the parent sees 503 "loading"
 * rather than connection refused.
 *
 * <p>The JDK's server, not Helidon: it starts in milliseconds and adds nothing to the child's
 * start-up. Handlers run on platform threads, not virtual ones: a generating request blocks inside
 * JNI for its whole length, which would pin a virtual thread's carrier and, on a small machine,
 * starve {@code /health} of carriers.
 */
final class EngineHttpServer {
    static final int MAX_BODY_BYTES = 8 << 20;

    private final HttpServer server;
    private final ObjectMapper json = new ObjectMapper();
    private final String modelName;
    private final long created = System.currentTimeMillis() / 1000;
    private volatile CompletionHandler completions;

    private EngineHttpServer(HttpServer server, String modelName) {
        this.server = server;
        this.modelName = modelName;
    }

    static EngineHttpServer start(String host, int port, String modelName) throws IOException {
        AtomicInteger n = new AtomicInteger();
        ExecutorService executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        // TCP_NODELAY on its connections (read when the first server is made): a stream's last chunk, written
        // apart from its [DONE], must not wait for the peer's delayed ACK (~25-40 ms at the end of every answer)
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer http = HttpServer.create(new InetSocketAddress(host, port), 128);
        EngineHttpServer engine = new EngineHttpServer(http, modelName);
        http.createContext("/", engine::handle);
        http.setExecutor(executor);
        http.start();
        return engine;
    }

    int port() { return server.getAddress().getPort(); }

    ObjectMapper json() { return json; }

    /** The model is loaded: generation routes and /health go live. */
    void ready(CompletionHandler handler) {
        this.completions = handler;
    }

    private void handle(HttpExchange ex) {
        try (ex) {
            try {
                route(ex);
            } catch (HearthException e) {
                sendError(ex, e);
            } catch (Generator.ClientGoneException e) {
                LlamaEngineMain.log(ex.getRequestURI().getPath() + ": " + e.getMessage() + "; generation cancelled");
            } catch (IOException e) {
                LlamaEngineMain.log(ex.getRequestURI().getPath() + ": connection failed: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                // llama.cpp failed: log it whole here, tell the client only what happened
                System.err.println("request failed: " + e);
                e.printStackTrace();
                sendError(ex, EngineHttpException.internal("generation failed: " + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + e.getMessage())));
            }
        }
    }

    private void route(HttpExchange ex) throws IOException, InterruptedException {
        String path = ex.getRequestURI().getPath();
        switch (path) {
            case "/health" -> {
                requireMethod(ex, "GET");
                boolean ok = completions != null;
                send(ex, ok ? 200 : 503, json.createObjectNode().put("status", ok ? "ok" : "loading"));
            }
            case "/v1/models" -> {
                requireMethod(ex, "GET");
                ObjectNode body = json.createObjectNode().put("object", "list");
                body.putArray("data").addObject().put("id", modelName).put("object", "model")
                        .put("created", created).put("owned_by", "hearth");
                send(ex, 200, body);
            }
            case "/v1/chat/completions", "/v1/completions" -> {
                requireMethod(ex, "POST");
                CompletionHandler handler = completions;
                if (handler == null) {
                    throw EngineHttpException.loading();
                }
                byte[] body = readBody(ex);
                if (path.equals("/v1/chat/completions")) {
                    handler.serve(ex, OpenAiRequests.chat(json, body));
                } else {
                    handler.serve(ex, OpenAiRequests.completion(json, body));
                }
            }
            default -> throw EngineHttpException.notFound(path);
        }
    }

    private static void requireMethod(HttpExchange ex, String method) {
        if (!ex.getRequestMethod().equals(method)) {
            throw EngineHttpException.methodNotAllowed(ex.getRequestMethod(), ex.getRequestURI().getPath());
        }
    }

    private static byte[] readBody(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                throw EngineHttpException.tooLarge(MAX_BODY_BYTES);
            }
            return body;
        }
    }

    void send(HttpExchange ex, int status, ObjectNode body) throws IOException {
        byte[] bytes = json.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private void sendError(HttpExchange ex, HearthException e) {
        if (ex.getResponseCode() != -1) {
            return; // a stream already started; CompletionHandler reports errors in-band
        }
        try {
            if (e.retryAfterSeconds() >= 0) {
                ex.getResponseHeaders().set("Retry-After", Long.toString(e.retryAfterSeconds()));
            }
            send(ex, e.status(), OpenAiResponses.error(json, e));
        } catch (IOException io) {
            LlamaEngineMain.log("could not send error " + e.status() + ": " + io.getMessage());
        }
    }
}
