package dev.hearth.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.engine.testsrc.TestsrcWorkerMain;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.time.Duration;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/** The native /v1/jobs API as a test client sees it, against any Hearth base URI. */
final class Jobs {
    static final ObjectMapper JSON = new ObjectMapper();
    final URI base;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    Jobs(URI base) {
        this.base = base;
    }

    HttpResponse<String> post(String body) {
        return send(HttpRequest.newBuilder(base.resolve("/v1/jobs")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** Submits and returns the created job; fails the test unless it was accepted. */
    JsonNode submit(String body) {
        HttpResponse<String> r = post(body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json(r.body());
    }

    JsonNode get(String id) {
        HttpResponse<String> r = send(HttpRequest.newBuilder(base.resolve("/v1/jobs/" + id)).GET().build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json(r.body());
    }

    JsonNode cancel(String id) {
        HttpResponse<String> r = send(HttpRequest.newBuilder(base.resolve("/v1/jobs/" + id)).DELETE().build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json(r.body());
    }

    JsonNode await(String id, Duration max, Predicate<JsonNode> until) {
        return org.awaitility.Awaitility.await().atMost(max).pollInterval(Duration.ofMillis(100))
                .until(() -> get(id), until::test);
    }

    JsonNode awaitState(String id, String state, Duration max) {
        JsonNode j = await(id, max, x -> x.path("state").asText().equals(state) || terminal(x));
        assertThat(j.path("state").asText()).as("job %s", j).isEqualTo(state);
        return j;
    }

    /**
     * Lets a job submitted with testsrc's {@code "hold": true} draw its last frame and finish: the
     * test, not the machine's speed, decides when such a job ends.
     */
    static void release(Path dataDir, String id) {
        try {
            Path out = Files.createDirectories(dataDir.resolve("outputs").resolve(id));
            Files.writeString(out.resolve(TestsrcWorkerMain.RELEASE), "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean terminal(JsonNode j) {
        return switch (j.path("state").asText()) {
            case "succeeded", "failed", "cancelled" -> true;
            default -> false;
        };
    }

    HttpResponse<String> send(HttpRequest req) {
        try {
            return http.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** ffprobe's view of the first video stream: codec_name, width, height, nb_read_frames, r_frame_rate. */
    static JsonNode probe(Path video) throws Exception {
        return probe(video, "v:0", "stream=codec_name,width,height,nb_read_frames,r_frame_rate", "-count_frames");
    }

    /** The first audio stream's codec, channels and sample rate; missing node when there is none. */
    static JsonNode probeAudio(Path video) throws Exception {
        return probe(video, "a:0", "stream=codec_name,channels,sample_rate");
    }

    private static JsonNode probe(Path video, String stream, String entries, String... extra) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("ffprobe", "-v", "error", "-select_streams", stream));
        cmd.addAll(List.of(extra));
        cmd.addAll(List.of("-show_entries", entries, "-of", "json", video.toString()));
        var p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
        return JSON.readTree(out).path("streams").path(0);
    }

}
