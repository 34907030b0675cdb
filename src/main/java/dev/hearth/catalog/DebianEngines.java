package dev.hearth.catalog;

import dev.hearth.config.Fields;
import dev.hearth.config.ServerConfig;
import dev.hearth.config.Values;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Debian's own speech and OCR engines, served by the embedded default when they are installed
 * ({@code apt-get install pocketsphinx pocketsphinx-en-us espeak-ng tesseract-ocr tesseract-ocr-eng}):
 * each is a {@code command} model, one process per request. Found by their programs on the PATH
 * Hearth was given and the model files where Debian puts them.
 */
final class DebianEngines {
    private DebianEngines() {}

    static final String POCKETSPHINX = "pocketsphinx-en-us";
    static final String ESPEAK = "espeak-ng";
    static final String TESSERACT = "tesseract-eng";
    static final Path POCKETSPHINX_MODEL = Path.of("/usr/share/pocketsphinx/model/en-us");
    static final Path TESSDATA = Path.of("/usr/share/tesseract-ocr");

    /** OpenAI's voice names on espeak-ng's English voices and variants, so SDK code runs unchanged. */
    static final Map<String, String> OPENAI_VOICES = Map.ofEntries(
            Map.entry("alloy", "en-us"), Map.entry("ash", "en-us+m3"), Map.entry("ballad", "en-gb"),
            Map.entry("coral", "en-us+f2"), Map.entry("echo", "en-us+m1"), Map.entry("fable", "en-gb+m2"),
            Map.entry("onyx", "en-us+m7"), Map.entry("nova", "en-us+f3"), Map.entry("sage", "en-us+f4"),
            Map.entry("shimmer", "en-us+f1"), Map.entry("verse", "en-us+m2"));

    /** The models for the engines found, in a fixed order. */
    static Map<String, ModelSpec> models(ServerConfig server, Fields f) {
        Map<String, ModelSpec> models = new LinkedHashMap<>();
        String path = f.env("PATH", Values.TEXT);
        if (path == null) return models;
        Path am = POCKETSPHINX_MODEL.resolve("en-us");
        if (onPath(path, "pocketsphinx_continuous") && Files.isDirectory(am)) {
            String cmd = "pocketsphinx_continuous -infile ${INPUT} -time yes -hmm " + am
                    + " -lm " + POCKETSPHINX_MODEL.resolve("en-us.lm.bin")
                    + " -dict " + POCKETSPHINX_MODEL.resolve("cmudict-en-us.dict");
            models.put(POCKETSPHINX, ModelDefaults.command(POCKETSPHINX, Task.TRANSCRIPTION, cmd, Map.of("language", "en"),
                    "wav", "timed_words", Map.of(), server));
        }
        if (onPath(path, "espeak-ng")) {
            models.put(ESPEAK, ModelDefaults.command(ESPEAK, Task.SPEECH, "espeak-ng -v ${VOICE} -w ${OUTPUT} -f ${INPUT}",
                    Map.of("voice", "en-us"), "text", "wav", OPENAI_VOICES, server));
        }
        if (onPath(path, "tesseract") && hasEnglish()) {
            models.put(TESSERACT, ModelDefaults.command(TESSERACT, Task.OCR, "tesseract ${INPUT} stdout -l eng",
                    Map.of(), "png", "text", Map.of(), server));
        }
        return models;
    }

    private static boolean onPath(String path, String program) {
        for (String dir : path.split(":")) {
            if (dir.isBlank()) continue;
            Path p = Path.of(dir.strip(), program);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) return true;
        }
        return false;
    }

    /** tesseract-ocr-eng: /usr/share/tesseract-ocr/<version>/tessdata/eng.traineddata. */
    private static boolean hasEnglish() {
        if (!Files.isDirectory(TESSDATA)) return false;
        try (Stream<Path> versions = Files.list(TESSDATA)) {
            return versions.anyMatch(v -> Files.isRegularFile(v.resolve("tessdata/eng.traineddata")));
        } catch (IOException e) {
            return false;
        }
    }
}
