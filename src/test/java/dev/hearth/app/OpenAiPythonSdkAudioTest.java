package dev.hearth.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The official OpenAI Python SDK ({@code bin/sdk-venv}), unchanged: audio.transcriptions.create
 * (json, verbose_json with word and segment times, srt) and audio.speech.create on Debian's real
 * engines; skipped without them (failed under CI=true), like {@link AudioOcrRoutesTest}.
 */
class OpenAiPythonSdkAudioTest {
    private static final Path SCRIPT = Path.of("src/test/resources/sdk/openai_python_audio.py");

    @TempDir
    static Path dir;
    static TestHearth h;
    static JsonNode report;

    @BeforeAll
    static void run() throws Exception {
        DebianEnginesSupport.require();
        h = new TestHearth(dir, "", DebianEnginesSupport.MODELS);
        Path wav = DebianEnginesSupport.goForward(dir, "wav");
        String python = output(new ProcessBuilder("bin/sdk-venv"), 600).strip();
        ProcessBuilder script = new ProcessBuilder(python, SCRIPT.toString(), dir.toString(), wav.toString());
        script.environment().put("OPENAI_BASE_URL", h.uri("/v1").toString());
        script.environment().remove("OPENAI_API_KEY");
        report = Json.MAPPER.readTree(output(script, 300));
    }

    @AfterAll
    static void stop() {
        if (h != null) h.close();
    }

    private static String output(ProcessBuilder pb, int timeoutSeconds) throws IOException, InterruptedException {
        Path err = Files.createTempFile(dir, "stderr", ".txt");
        Process p = pb.redirectError(err.toFile()).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(pb.command() + " did not finish in " + timeoutSeconds + " s: " + Files.readString(err));
        }
        if (p.exitValue() != 0) {
            fail(pb.command() + " exited with " + p.exitValue() + ": " + Files.readString(err));
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    @Test
    void pythonSdk_transcribes_asJsonVerboseJsonAndSrt() {
        assertThat(DebianEnginesSupport.wordErrorRate("go forward ten meters", report.path("text").asText()))
                .as(report.toString()).isLessThanOrEqualTo(0.25);
        JsonNode verbose = report.path("verbose");
        assertThat(verbose.path("duration").asDouble()).isBetween(2.0, 3.2);
        assertThat(verbose.path("segments").asInt()).isEqualTo(1);
        assertThat(verbose.path("words").size()).as(report.toString()).isBetween(3, 5);
        assertThat(report.path("srt").asText()).startsWith("1\n00:00:00,").contains(" --> ");
    }

    @Test
    void pythonSdk_speaks_aWavThatFfprobeReads() {
        Path wav = Path.of(report.path("speech_file").asText());
        assertThat(DebianEnginesSupport.duration(wav)).isBetween(0.5, 6.0);
    }

    @Test
    void pythonSdk_raisesBadRequestError_forABadVoice() {
        assertThat(report.path("bad_voice").path("status").asInt()).as(report.toString()).isEqualTo(400);
        assertThat(report.path("bad_voice").path("message").asText()).contains("voice");
    }
}
