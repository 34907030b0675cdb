package dev.hearth.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Options and HTTP calls shared by the commands that talk to a running Hearth. */
final class ApiClient {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Option(names = "--url", description = "Hearth's address (default: $HEARTH_URL, else http://127.0.0.1:8009)")
    String url = System.getenv().getOrDefault("HEARTH_URL", "http://127.0.0.1:8009");

    @Option(names = "--api-key", description = "API key (default: $HEARTH_API_KEY)")
    String apiKey = System.getenv("HEARTH_API_KEY");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    record Answer(int status, JsonNode body) {}

    Answer get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(url + path)).GET());
    }

    Answer post(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(url + path)).POST(HttpRequest.BodyPublishers.noBody()));
    }

    private Answer send(HttpRequest.Builder b) throws IOException, InterruptedException {
        if (apiKey != null && !apiKey.isBlank()) {
            b.header("Authorization", "Bearer " + apiKey);
        }
        try {
            HttpResponse<byte[]> r = http.send(b.timeout(Duration.ofMinutes(15)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            JsonNode body = r.body().length == 0 ? MAPPER.createObjectNode() : MAPPER.readTree(r.body());
            return new Answer(r.statusCode(), body);
        } catch (ConnectException e) {
            throw new IOException("Hearth is not answering at " + url + " (is `./hearth serve` running?)", e);
        }
    }

    static String error(Answer a) {
        JsonNode m = a.body().path("error").path("message");
        return "HTTP " + a.status() + (m.isMissingNode() ? "" : ": " + m.asText());
    }
}
