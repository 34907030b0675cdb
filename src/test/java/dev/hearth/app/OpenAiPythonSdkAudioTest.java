package dev.hearth.app;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

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
        report = PythonSdk.report(h, dir, SCRIPT, dir.toString(), wav.toString());
    }

    @AfterAll
    static void stop() {
        if (h != null) h.close();
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
