package dev.hearth.engine.llamacpp;

import dev.hearth.catalog.Task;
import dev.hearth.catalog.ModelSpec;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.awaitility.Awaitility.await;

/**
 * A real child engine for tests, started from {@link LlamaCppCommand#argv} the way the process
 * engine will: ${PORT} replaced by a free port, output read line by line, /health polled.
 */
final class EngineProcess implements AutoCloseable {
    static final Path STORIES = Path.of("../shared/models/stories260K.gguf").toAbsolutePath().normalize();

    final Process process;
    final int port;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    /** The child's stdout and stderr together. */
    final Path log;
    /** Each /health status seen while waiting for ready, in order (0 = connection refused). */
    final List<Integer> healthSeen = new CopyOnWriteArrayList<>();
    /** The body of the first 503 from /health, if one was seen. */
    volatile String loadingBody;

    private EngineProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    static EngineProcess start(String name, Map<String, Object> options) throws IOException {
        int port = freePort();
        List<String> argv = LlamaCppCommand.argv(spec(name, options)).stream()
                .map(a -> a.replace(LlamaCppCommand.PORT, Integer.toString(port))).toList();
        // to a file, not a pipe: when a child exits, the JDK closes its pipe under a reader
        // still draining it ("Stream closed") and the last lines, the ones tests look for, are lost
        Path log = Files.createTempFile("engine-" + name + "-", ".log");
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new EngineProcess(p, port, log);
    }

    static ModelSpec spec(String name, Map<String, Object> options) {
        return new ModelSpec(name, Task.CHAT, dev.hearth.catalog.EngineKind.LLAMACPP, List.of(), null, Map.of(), null, "/health", null,
                STORIES, 64L << 20, Duration.ofMinutes(5), false, 1, 10, Duration.ofSeconds(30),
                Duration.ofSeconds(60), Duration.ofSeconds(5), Map.of(), null, options, null, null);
    }

    /** Polls /health every few milliseconds until 200, recording what it saw. */
    EngineProcess awaitReady() {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5)).until(() -> {
            if (!process.isAlive()) {
                throw new AssertionError("engine exited " + process.exitValue() + ": " + output());
            }
            int status = health();
            if (healthSeen.isEmpty() || healthSeen.getLast() != status) {
                healthSeen.add(status);
            }
            return status == 200;
        });
        return this;
    }

    int health() {
        try {
            HttpResponse<String> r = get("/health");
            if (r.statusCode() == 503 && loadingBody == null) {
                loadingBody = r.body();
            }
            return r.statusCode();
        } catch (IOException e) {
            return 0;
        }
    }

    HttpResponse<String> get(String path) throws IOException {
        return send(HttpRequest.newBuilder(uri(path)).GET().build());
    }

    HttpResponse<String> post(String path, String body) throws IOException {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    HttpResponse<String> uncheckedPost(String path, String body) {
        try {
            return post(path, body);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** Every output line of the child so far. */
    List<String> output() {
        try {
            return new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
        http.close();
        try {
            Files.deleteIfExists(log);
        } catch (IOException ignored) {
            // a temp file
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
