package dev.hearth.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.catalog.ConfigLoader;
import dev.hearth.HttpClients;
import dev.hearth.config.ListenAddress;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.time.Duration;

/** Options and HTTP calls shared by the commands that talk to a running Hearth. */
final class ApiClient {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Option(names = "--url", description = "Hearth's address (default: $HEARTH_URL, else where `hearth serve` "
            + "would listen: $HEARTH_LISTEN, else server.listen of the config, else http://127.0.0.1:8009)")
    String urlOption;

    @Option(names = {"-c", "--config"}, description = "hearth.yaml whose server.listen names the Hearth to talk to "
            + "(default: ./hearth.yaml)")
    Path config;

    private Target target;

    /** Where a command sends its requests, and which setting chose that address. */
    record Target(String url, String source) {}

    static Target target(String urlOption, Path config, Map<String, String> env) {
        if (urlOption != null && !urlOption.isBlank()) return new Target(strip(urlOption), "--url");
        String fromEnv = env.get("HEARTH_URL");
        if (fromEnv != null && !fromEnv.isBlank()) return new Target(strip(fromEnv), "HEARTH_URL");
        ListenAddress listen = ListenAddress.of(ConfigLoader.locate(config), env);
        return new Target(listen.url(), listen.source());
    }

    private static String strip(String url) {
        String u = url.strip();
        return u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
    }

    /** The base URL of the Hearth this command talks to. */
    String url() {
        if (target == null) target = target(urlOption, config, System.getenv());
        return target.url();
    }

    @Option(names = "--api-key", description = "API key (default: $HEARTH_API_KEY)")
    String apiKey = System.getenv("HEARTH_API_KEY");

    // --url may name a Hearth anywhere, behind any proxy: a user-given address, not an engine.
    // Built at the first call: picocli makes every command's mixin to parse any command line, and a
    // client (its TLS context above all) costs `hearth serve` a few hundred ms it never uses.
    private final HttpClients.Lazy http = HttpClients.lazy(() -> HttpClients.userUrl(Duration.ofSeconds(5)));

    record Answer(int status, JsonNode body) {}

    Answer get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    Answer post(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.noBody()));
    }

    Answer delete(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).DELETE());
    }

    Answer postJson(String path, JsonNode body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(MAPPER.writeValueAsBytes(body))));
    }

    /** multipart/form-data: the text fields, then each file (streamed from disk, never read whole into memory). */
    Answer postForm(String path, Map<String, String> fields, Map<String, Path> files) throws IOException, InterruptedException {
        String boundary = "hearth-" + java.util.UUID.randomUUID();
        java.util.List<HttpRequest.BodyPublisher> parts = new java.util.ArrayList<>();
        StringBuilder text = new StringBuilder();
        fields.forEach((k, v) -> text.append("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"")
                .append(k).append("\"\r\n\r\n").append(v).append("\r\n"));
        parts.add(HttpRequest.BodyPublishers.ofString(text.toString()));
        for (Map.Entry<String, Path> f : files.entrySet()) {
            String type = java.util.Objects.requireNonNullElse(java.nio.file.Files.probeContentType(f.getValue()),
                    "application/octet-stream");
            parts.add(HttpRequest.BodyPublishers.ofString("--" + boundary + "\r\nContent-Disposition: form-data; name=\""
                    + f.getKey() + "\"; filename=\"" + f.getValue().getFileName().toString().replace("\"", "_")
                    + "\"\r\nContent-Type: " + type + "\r\n\r\n"));
            parts.add(HttpRequest.BodyPublishers.ofFile(f.getValue()));
            parts.add(HttpRequest.BodyPublishers.ofString("\r\n"));
        }
        parts.add(HttpRequest.BodyPublishers.ofString("--" + boundary + "--\r\n"));
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.concat(parts.toArray(HttpRequest.BodyPublisher[]::new))));
    }

    /** A GET whose body is read as it comes (an SSE stream); the answer's headers within 30 s. */
    HttpResponse<java.io.InputStream> stream(String path) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
                .header("Accept", "text/event-stream").GET();
        authorize(b);
        try {
            return http.get().send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (ConnectException | java.net.http.HttpConnectTimeoutException e) {
            throw notAnswering(e);
        }
    }

    /** Downloads {@code path} into {@code file} (through a temporary file beside it); returns the HTTP status. */
    int download(String path, Path file) throws IOException, InterruptedException {
        Path tmp = file.resolveSibling(file.getFileName() + ".part");
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofMinutes(2)).GET();
        authorize(b);
        HttpResponse<Path> r;
        try {
            r = http.get().send(b.build(), HttpResponse.BodyHandlers.ofFile(tmp));
        } catch (ConnectException | java.net.http.HttpConnectTimeoutException e) {
            throw notAnswering(e);
        }
        if (r.statusCode() != 200) {
            java.nio.file.Files.deleteIfExists(tmp);
            return r.statusCode();
        }
        java.nio.file.Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return 200;
    }

    private void authorize(HttpRequest.Builder b) {
        if (apiKey != null && !apiKey.isBlank()) b.header("Authorization", "Bearer " + apiKey);
    }

    private IOException notAnswering(IOException e) {
        return new IOException("Hearth is not answering at " + url() + " (from " + target.source()
                + "); is `./hearth serve` running there? Use --url or HEARTH_URL to reach another one.", e);
    }

    private URI uri(String path) throws IOException {
        try {
            return URI.create(url() + path);
        } catch (IllegalArgumentException e) {
            throw new IOException("Not a URL: " + url() + " (from " + target.source() + ")");
        }
    }

    private Answer send(HttpRequest.Builder b) throws IOException, InterruptedException {
        authorize(b);
        try {
            HttpResponse<byte[]> r = http.get().send(b.timeout(Duration.ofMinutes(15)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            JsonNode body = r.body().length == 0 ? MAPPER.createObjectNode() : MAPPER.readTree(r.body());
            return new Answer(r.statusCode(), body);
        } catch (ConnectException | java.net.http.HttpConnectTimeoutException e) {
            throw notAnswering(e);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException("The server at " + url() + " (from " + target.source()
                    + ") did not answer like Hearth: its answer is not JSON.", e);
        }
    }

    static String error(Answer a) {
        JsonNode m = a.body().path("error").path("message");
        return "HTTP " + a.status() + (m.isMissingNode() ? "" : ": " + m.asText());
    }
}
