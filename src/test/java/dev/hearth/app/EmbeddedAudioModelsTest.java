package dev.hearth.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.catalog.ConfigLoader;
import dev.hearth.catalog.HearthConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static dev.hearth.app.DialectSupport.json;
import static dev.hearth.app.DialectSupport.postMultipart;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * `./hearth serve` with no hearth.yaml on a machine with Debian's engines installed: the embedded
 * default serves pocketsphinx-en-us, espeak-ng and tesseract-eng, and each answers its route.
 */
class EmbeddedAudioModelsTest {
    @TempDir
    static Path dir;
    static TestHearth h;

    @BeforeAll
    static void start() throws IOException {
        DebianEnginesSupport.require();
        Path noGgufs = Files.createDirectories(dir.resolve("models"));
        HearthConfig config = ConfigLoader.load(null, Map.of("PATH", System.getenv("PATH"),
                "HEARTH_LISTEN", "127.0.0.1:0", "HEARTH_DATA_DIR", dir.resolve("data").toString(),
                "HEARTH_MODELS_DIR", noGgufs.toString()));
        h = new TestHearth(config);
    }

    @AfterAll
    static void stop() {
        if (h != null) h.close();
    }

    @Test
    void embeddedDefault_listsTheSpeechAndOcrModels_withTheirTasks() {
        JsonNode models = json(h.get("/v1/models")).path("data");
        Map<String, String> tasks = new java.util.HashMap<>();
        for (JsonNode m : models) tasks.put(m.path("id").asText(), m.path("task").asText());
        assertThat(tasks).containsEntry("pocketsphinx-en-us", "transcription").containsEntry("espeak-ng", "speech")
                .containsEntry("tesseract-eng", "ocr");
    }

    @Test
    void embeddedDefault_transcribesSpeaksAndReads() throws Exception {
        byte[] mp3 = Files.readAllBytes(DebianEnginesSupport.goForward(dir, "mp3"));
        HttpResponse<String> heard = postMultipart(h, "/v1/audio/transcriptions", Map.of("model", "pocketsphinx-en-us"),
                "file", mp3);
        assertThat(heard.statusCode()).as(heard.body()).isEqualTo(200);
        assertThat(DebianEnginesSupport.wordErrorRate("go forward ten meters", json(heard).path("text").asText()))
                .isLessThanOrEqualTo(0.25);

        HttpResponse<byte[]> said = h.http.send(HttpRequest.newBuilder(h.uri("/v1/audio/speech"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"espeak-ng\",\"input\":\"Good morning.\",\"voice\":\"shimmer\"}")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(said.statusCode()).isEqualTo(200);
        assertThat(said.headers().firstValue("content-type")).hasValue("audio/mpeg");
        Path file = Files.write(dir.resolve("said.mp3"), said.body());
        assertThat(DebianEnginesSupport.duration(file)).isBetween(0.3, 5.0);

        HttpResponse<String> read = postMultipart(h, "/v1/ocr", Map.of("model", "tesseract-eng"), "file",
                AudioOcrRoutesTest.image("Embedded default", "png"));
        assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
        assertThat(json(read).path("pages").path(0).path("text").asText()).isEqualTo("Embedded default");
    }
}
