package dev.hearth.catalog;

import dev.hearth.config.ConfigException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static dev.hearth.catalog.ConfigFiles.refused;
import static dev.hearth.catalog.ConfigFiles.write;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which engine serves a .gguf given alone ({@code server.gguf_engine}). These tests only resolve
 * the configuration, so the "binary" is an executable stand-in file named llama-server that never
 * runs; LlamaServerAsDefaultGgufEngineTest serves through the real one.
 */
class GgufEngineChoiceTest {
    @TempDir
    Path dir;
    Path binary;
    Path gguf;

    @BeforeEach
    void files() throws IOException {
        Path bin = Files.createDirectories(dir.resolve("llama.cpp build/bin"));
        binary = Files.writeString(bin.resolve("llama-server"), "#!/bin/sh\nexit 1\n");
        Files.setPosixFilePermissions(binary, PosixFilePermissions.fromString("rwxr-xr-x"));
        gguf = ConfigFiles.copyStories(dir.resolve("models"), "tiny story's.gguf");
    }

    private HearthConfig load(String yaml, Map<String, String> env) {
        return ConfigLoader.load(write(dir, yaml), env, dir);
    }

    private static final String TINY = """
            models:
              tiny:
                path: "models/tiny story's.gguf"
                options: { ctx_size: 256, threads: 2 }
            """;

    @Test
    void auto_withHearthLlamaServerSet_servesAGgufGivenAloneOnLlamaServer() {
        ModelSpec m = load(TINY, Map.of("HEARTH_LLAMA_SERVER", binary.toString())).models().get("tiny");

        assertThat(m.engine()).isEqualTo(EngineKind.PROCESS);
        // the binary and the file are quoted for the shell: both have a space, the file a quote
        assertThat(m.cmd()).isEqualTo("'" + binary + "' -m '" + dir.resolve("models") + "/tiny story'\\''s.gguf'"
                + " --host 127.0.0.1 --port ${PORT} --alias tiny --jinja --ctx-size 256 --threads 2");
        assertThat(m.health()).isEqualTo("/health");
        assertThat(m.options()).containsEntry("preset", "llama-server");
        assertThat(m.path()).isEqualTo(gguf);
        long size = gguf.toFile().length();
        assertThat(m.memoryBytes()).as("estimated from the file, as for llamacpp").isEqualTo(size + size / 5 + (64L << 20));
    }

    @Test
    void auto_findsLlamaServerOnPath() {
        ModelSpec m = load(TINY, Map.of("PATH", "/nonexistent:" + binary.getParent())).models().get("tiny");

        assertThat(m.engine()).isEqualTo(EngineKind.PROCESS);
        assertThat(m.cmd()).startsWith("'" + binary + "' -m ");
    }

    @Test
    void auto_withoutABinary_keepsHearthsLlamacppEngine() {
        ModelSpec m = load(TINY, Map.of("PATH", "/nonexistent")).models().get("tiny");

        assertThat(m.engine()).isEqualTo(EngineKind.LLAMACPP);
        assertThat(m.cmd()).isNull();
        assertThat(m.options()).doesNotContainKey("preset");
    }

    @Test
    void anEntryThatNamesLlamacpp_keepsIt_evenWithLlamaServerAround() {
        ModelSpec m = load("""
                models:
                  tiny: { engine: llamacpp, path: "models/tiny story's.gguf" }
                """, Map.of("HEARTH_LLAMA_SERVER", binary.toString())).models().get("tiny");

        assertThat(m.engine()).isEqualTo(EngineKind.LLAMACPP);
    }

    @Test
    void ggufEngineLlamacpp_inTheFileOrEnvironment_keepsHearthsEngine() {
        String yaml = "server: { gguf_engine: llamacpp }\n" + TINY;
        assertThat(load(yaml, Map.of("HEARTH_LLAMA_SERVER", binary.toString())).models().get("tiny").engine())
                .isEqualTo(EngineKind.LLAMACPP);
        assertThat(load(TINY, Map.of("HEARTH_LLAMA_SERVER", binary.toString(), "HEARTH_GGUF_ENGINE", "llamacpp"))
                .models().get("tiny").engine()).isEqualTo(EngineKind.LLAMACPP);
    }

    @Test
    void anEmbeddingsGguf_onLlamaServer_getsItsEmbeddingsFlag() {
        ModelSpec m = load("""
                models:
                  vectors: { path: "models/tiny story's.gguf", task: embeddings }
                """, Map.of("HEARTH_LLAMA_SERVER", binary.toString())).models().get("vectors");

        assertThat(m.cmd()).endsWith(" --alias vectors --embeddings");
    }

    @Test
    void theEmbeddedDefault_servesTheGgufsItFindsOnLlamaServer() {
        HearthConfig config = ConfigLoader.load(null, Map.of("HEARTH_LLAMA_SERVER", binary.toString()), dir);

        ModelSpec m = config.models().get("tiny-story-s");
        assertThat(m.engine()).isEqualTo(EngineKind.PROCESS);
        assertThat(m.options()).containsEntry("preset", "llama-server");
        assertThat(m.cmd()).contains(" --alias tiny-story-s");
        assertThat(ConfigLoader.load(null, Map.of(), dir).models().get("tiny-story-s").engine())
                .isEqualTo(EngineKind.LLAMACPP);
    }

    @Test
    void ggufEngineLlamaServer_withoutABinary_isRefusedWithWhatToDo() {
        Path file = write(dir, "server: { gguf_engine: llama-server }\n" + TINY);

        ConfigException e = refused(file, Map.of("PATH", "/nonexistent"), dir);

        assertThat(e.getMessage()).contains("server.gguf_engine: llama-server, but there is no llama-server binary: "
                + "set HEARTH_LLAMA_SERVER to its path (bin/build-llama-server builds one) or put llama-server on PATH");
    }

    @Test
    void aHearthLlamaServerThatIsNoExecutable_isRefused_notSilentlyIgnored() {
        Path file = write(dir, TINY);

        ConfigException e = refused(file, Map.of("HEARTH_LLAMA_SERVER", dir.resolve("nope").toString()), dir);

        assertThat(e.getMessage()).contains("HEARTH_LLAMA_SERVER").contains("not an executable file: " + dir.resolve("nope"));
    }

    @Test
    void aWrongGgufEngine_andAWrongCtxSize_areRefused() {
        Path file = write(dir, """
                server: { gguf_engine: ollama }
                models:
                  tiny: { path: "models/tiny story's.gguf", options: { ctx_size: -1 } }
                """);

        ConfigException e = refused(file, Map.of(), dir);

        assertThat(e.getMessage()).contains("server.gguf_engine: expected auto, llama-server or llamacpp, got \"ollama\"")
                .contains("models.tiny.options.ctx_size: expected a whole number greater than 0, got \"-1\"");
    }
}
