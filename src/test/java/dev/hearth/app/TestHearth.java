package dev.hearth.app;

import dev.hearth.catalog.ConfigLoader;
import dev.hearth.catalog.HearthConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A real Hearth for a test: the given hearth.yaml "models:" section under a server section that
 * listens on a free loopback port with a data dir in the test's temp dir.
 */
final class TestHearth implements AutoCloseable {
    final Hearth hearth;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    TestHearth(Path dir, String serverExtra, String models) {
        this(dir, serverExtra, models, "");
    }

    /** On the given hardware probes (fakes of nvidia-smi or /proc). */
    TestHearth(Path dir, String serverExtra, String models, dev.hearth.observe.Hardware hardware) {
        hearth = Hearth.start(load(dir, serverExtra, models, ""), hardware);
    }

    /** @param topExtra more top-level sections (media:) */
    TestHearth(Path dir, String serverExtra, String models, String topExtra) {
        hearth = Hearth.start(load(dir, serverExtra, models, topExtra));
    }

    private static HearthConfig load(Path dir, String serverExtra, String models, String topExtra) {
        try {
            Path yaml = dir.resolve("hearth.yaml");
            Files.writeString(yaml, "server:\n  listen: 127.0.0.1:0\n  data_dir: " + dir.resolve("data") + "\n"
                    + serverExtra.indent(2) + "models:\n" + models.indent(2) + topExtra);
            return ConfigLoader.load(yaml, Map.of());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A Hearth on a configuration the test loaded itself (an environment, the embedded default). */
    TestHearth(HearthConfig config) {
        hearth = Hearth.start(config);
    }

    URI uri(String path) { return hearth.baseUri().resolve(path); }

    HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET().build());
    }

    HttpResponse<String> post(String path, String json) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** POSTs a streaming chat request and returns as soon as the response headers arrive. */
    HttpResponse<java.io.InputStream> stream(String body) {
        try {
            return http.send(HttpRequest.newBuilder(uri("/v1/chat/completions"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String chat(String model, String extra) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Once upon a time\"}]"
                + (extra.isEmpty() ? "" : "," + extra) + "}";
    }

    @Override
    public void close() {
        hearth.close();
    }
}
