package dev.hearth.catalog;

import dev.hearth.config.ConfigException;
import dev.hearth.config.Defaults;
import dev.hearth.catalog.ConfigLoader;
import dev.hearth.catalog.HearthConfig;
import dev.hearth.catalog.ModelSpec;
import dev.hearth.catalog.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.hearth.catalog.ConfigFiles.copyStories;
import static org.assertj.core.api.Assertions.assertThat;

class EmbeddedDefaultTest {
    @TempDir
    Path dir;

    @Test
    void load_servesTheBundledEmbeddingsModel_whenThereIsNoFile() {
        HearthConfig config = ConfigLoader.load(null, Map.of(), dir);

        assertThat(config.source()).isNull();
        assertThat(config.server()).usingRecursiveComparison().ignoringFields("dataDir").isEqualTo(Defaults.server());
        assertThat(config.server().dataDir()).isEqualTo(dir.resolve("data"));
        assertThat(config.models().keySet()).containsExactly("all-minilm-l6-v2", "testsrc");
        ModelSpec m = config.models().get("all-minilm-l6-v2");
        assertThat(m.task()).isEqualTo(Task.EMBEDDINGS);
        assertThat(m.engine().wire()).isEqualTo("onnx-embeddings");
        assertThat(m.aliases()).containsExactly("all-minilm");
        assertThat(m.memoryBytes()).isEqualTo(128L << 20);
        assertThat(m.maxConcurrency()).isEqualTo(4);
        assertThat(m.idleUnload()).isEqualTo(Duration.ofMinutes(30));
    }

    @Test
    void load_servesEveryGgufInModels_asALlamacppChatModel() throws Exception {
        Path gguf = copyStories(dir.resolve("models"), "Stories 260K.GGUF");
        copyStories(dir.resolve("models"), "mmproj-vision.gguf");
        copyStories(dir.resolve("models"), "big-00002-of-00002.gguf");
        Files.writeString(dir.resolve("models/readme.txt"), "not a model");

        HearthConfig config = ConfigLoader.load(null, Map.of(), dir);

        assertThat(config.models().keySet()).containsExactly("all-minilm-l6-v2", "testsrc", "stories-260k");
        ModelSpec m = config.models().get("stories-260k");
        long size = Files.size(gguf);
        assertThat(m).isEqualTo(new ModelSpec("stories-260k", Task.CHAT, dev.hearth.catalog.EngineKind.LLAMACPP, List.of(), null, Map.of(), null,
                "/health", null, gguf, size + size / 5 + (64L << 20), Duration.ofMinutes(30), false, 2, 100,
                Duration.ofSeconds(60), Duration.ofMinutes(10), Duration.ofSeconds(10), Map.of(), null, Map.of(), null, null,
                null, "llamacpp: one generation at a time, one more waiting"));
    }

    @Test
    void load_readsHearthModelsDir_insteadOfModels_acrossSeveralDirectories() {
        copyStories(dir.resolve("models"), "ignored.gguf");
        copyStories(dir.resolve("a"), "stories260K.gguf");
        copyStories(dir.resolve("b"), "stories260k.gguf");
        copyStories(dir.resolve("b"), "big-00001-of-00003.gguf");

        HearthConfig config = ConfigLoader.load(null,
                Map.of("HEARTH_MODELS_DIR", dir.resolve("a") + ":" + dir.resolve("b")), dir);

        assertThat(config.models().keySet())
                .containsExactly("all-minilm-l6-v2", "testsrc", "stories260k", "big", "stories260k-2");
        assertThat(config.models().get("stories260k-2").path()).isEqualTo(dir.resolve("b/stories260k.gguf"));
    }

    @Test
    void load_refusesHearthModelsDir_whenADirectoryIsMissing() {
        ConfigException e = ConfigFiles.refused(null, Map.of("HEARTH_MODELS_DIR", dir.resolve("nope").toString()), dir);

        assertThat(e.getMessage()).isEqualTo("1 problem in the environment\n"
                + "HEARTH_MODELS_DIR (environment): directory not found: " + dir.resolve("nope"));
    }

    @Test
    void load_appliesServerVariables_toTheEmbeddedDefaultToo() {
        HearthConfig config = ConfigLoader.load(null, Map.of("AUTO_UNLOAD_MINUTES", "0", "HEARTH_LISTEN", ":9999"), dir);

        assertThat(config.server().port()).isEqualTo(9999);
        assertThat(config.models().get("all-minilm-l6-v2").neverIdleUnload()).isTrue();
    }

    @Test
    void locate_prefersTheExplicitPath_thenHearthYamlInTheWorkingDirectory_elseNull() throws Exception {
        assertThat(ConfigLoader.locate(null, dir)).isNull();
        Files.writeString(dir.resolve("hearth.yaml"), "");
        assertThat(ConfigLoader.locate(null, dir)).isEqualTo(dir.resolve("hearth.yaml"));
        assertThat(ConfigLoader.locate(Path.of("/etc/hearth.yaml"), dir)).isEqualTo(Path.of("/etc/hearth.yaml"));
    }

    @Test
    void load_servesDebiansSpeechAndOcrEngines_whenTheyAreOnPath() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/pocketsphinx_continuous"))
                && Files.isExecutable(Path.of("/usr/bin/espeak-ng")) && Files.isExecutable(Path.of("/usr/bin/tesseract"))
                && Files.isDirectory(Path.of("/usr/share/pocketsphinx/model/en-us/en-us")),
                "Debian's pocketsphinx, pocketsphinx-en-us, espeak-ng and tesseract-ocr(-eng) are not installed");
        HearthConfig config = ConfigLoader.load(null, Map.of("PATH", "/usr/bin"), dir);

        assertThat(config.models().keySet()).containsExactly("all-minilm-l6-v2", "testsrc", "pocketsphinx-en-us",
                "espeak-ng", "tesseract-eng");
        ModelSpec asr = config.models().get("pocketsphinx-en-us");
        assertThat(asr.task()).isEqualTo(Task.TRANSCRIPTION);
        assertThat(asr.engine()).isEqualTo(EngineKind.COMMAND);
        assertThat(CommandSettings.of(asr).outputFormat()).isEqualTo("timed_words");
        assertThat(CommandSettings.of(asr).template().items()).startsWith("pocketsphinx_continuous", "-infile", "${INPUT}");
        assertThat(config.models().get("espeak-ng").task()).isEqualTo(Task.SPEECH);
        assertThat(CommandSettings.of(config.models().get("espeak-ng")).voices()).containsEntry("alloy", "en-us");
        assertThat(config.models().get("tesseract-eng").task()).isEqualTo(Task.OCR);
        assertThat(config.models().get("tesseract-eng").memoryBytes()).isEqualTo(256L << 20);
    }

    @Test
    void load_servesNoSpeechOrOcrEngine_whenPathHasNone() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("bin"));
        HearthConfig config = ConfigLoader.load(null, Map.of("PATH", empty.toString()), dir);
        assertThat(config.models().keySet()).containsExactly("all-minilm-l6-v2", "testsrc");
    }
}
