package dev.hearth.catalog;

import dev.hearth.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** A command model's keys, checked at load time with the file, the line and the key. */
class CommandSectionTest {
    @TempDir
    Path dir;

    private Path file(String models) throws Exception {
        return Files.writeString(dir.resolve("hearth.yaml"), "models:\n" + models);
    }

    @Test
    void load_readsACommandModel_withItsSettings() throws Exception {
        HearthConfig c = ConfigLoader.load(file("""
                  w:
                    task: transcription
                    engine: command
                    cmd: whisper-cli -m ${MODEL} -l ${LANGUAGE} -f ${INPUT}
                    model: /models/ggml-small.bin
                    run_timeout: 90s
                    input_format: wav
                """), Map.of());
        ModelSpec w = c.models().get("w");
        CommandSettings s = CommandSettings.of(w);
        assertThat(s.template().items()).containsExactly("whisper-cli", "-m", "/models/ggml-small.bin", "-l",
                "${LANGUAGE}", "-f", "${INPUT}");
        assertThat(s.runTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(s.outputFormat()).isEqualTo("text");
        assertThat(w.memoryBytes()).isEqualTo(256L << 20);
        assertThat(w.maxConcurrency()).isEqualTo(4);
    }

    @Test
    void load_refusesABadCommandModel_namingEachKey() throws Exception {
        Path f = file("""
                  a:
                    engine: command
                  b:
                    task: speech
                    engine: command
                    cmd: espeak-ng -w ${OUTPUT} "hello"
                    output_format: mp4
                  c:
                    task: ocr
                    engine: command
                    cmd: tesseract ${INPUT} stdout > out.txt
                    voices: { alloy: en }
                  d:
                    task: chat
                    engine: command
                    cmd: x ${INPUT}
                """);
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(f, Map.of()));
        assertThat(e.problems()).containsExactly(
                f + ":2: models.a.cmd: required for engine command: the command run for each request, with ${INPUT}"
                        + " where it reads the request's input",
                f + ":7: models.b.cmd: must contain ${INPUT}: the file with the request's text",
                f + ":8: models.b.output_format: a speech command's output_format is wav, mp3, ogg or flac, not mp4",
                f + ":12: models.c.cmd: '>' is shell syntax, but the command runs without a shell; write the output"
                        + " to ${OUTPUT} or stdout instead of piping or redirecting",
                f + ":13: models.c.voices: only a speech model has voices",
                f + ":15: models.d.task: engine command serves transcription, speech or ocr, not chat");
    }
}
