package dev.hearth.catalog;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static dev.hearth.catalog.ConfigFiles.load;
import static dev.hearth.catalog.ConfigFiles.write;
import static org.assertj.core.api.Assertions.assertThat;

/** A model's max_concurrency defaults to what its engine serves at once, read from the final command line. */
class ConfigLoaderConcurrencyTest {
    @TempDir
    Path dir;

    private ModelSpec model(String yaml) {
        return load(dir, yaml).models().get("m");
    }

    @Test
    void presets_readTheirLimit_fromArgs() {
        ModelSpec vllm = model("""
                models:
                  m: { engine: vllm, model: Qwen/Qwen2.5-7B-Instruct, memory: 40GiB, args: "--max-num-seqs=32" }
                """);
        assertThat(vllm.maxConcurrency()).isEqualTo(32);
        assertThat(vllm.maxConcurrencySource()).isEqualTo("vllm --max-num-seqs 32");

        ModelSpec llama = model("""
                models:
                  m: { engine: llama-server, model: /models/coder.gguf, memory: 6GiB, args: --parallel 6 -ngl 99 }
                """);
        assertThat(llama.maxConcurrency()).isEqualTo(12);
        assertThat(llama.maxConcurrencySource()).isEqualTo("llama-server --parallel 6, 2 per slot");

        ModelSpec sglang = model("""
                models:
                  m: { engine: sglang, model: meta-llama/Llama-3.1-8B-Instruct, memory: 36GiB, args: --max-running-requests 200 }
                """);
        assertThat(sglang.maxConcurrency()).isEqualTo(200);
    }

    @Test
    void presets_withoutTheFlag_getTheServersDefault() {
        ModelSpec llama = model("""
                models:
                  m: { engine: llama-server, model: /models/coder.gguf, memory: 6GiB }
                """);
        assertThat(llama.maxConcurrency()).isEqualTo(8);
        assertThat(llama.maxConcurrencySource()).isEqualTo("llama-server --parallel default (auto: 4 slots), 2 per slot");

        ModelSpec vllm = model("""
                models:
                  m: { engine: vllm, model: Qwen/Qwen2.5-7B-Instruct, memory: 40GiB, sleep: 1 }
                """);
        assertThat(vllm.maxConcurrency()).isEqualTo(1024);
        assertThat(vllm.maxConcurrencySource()).isEqualTo("vllm --max-num-seqs default");
    }

    @Test
    void aHandWrittenCommand_isReadToo_withTheEntrysEnvironment() {
        ModelSpec m = model("""
                models:
                  m:
                    engine: process
                    cmd: /opt/llama.cpp/build/bin/llama-server -m /models/q.gguf --port ${PORT}
                    env: { LLAMA_ARG_N_PARALLEL: 16 }
                    memory: 6GiB
                """);
        assertThat(m.maxConcurrency()).isEqualTo(32);
        assertThat(m.maxConcurrencySource()).isEqualTo("llama-server LLAMA_ARG_N_PARALLEL=16, 2 per slot");
    }

    @Test
    void maxConcurrencyInTheEntry_overridesTheEngines() {
        ModelSpec m = model("""
                models:
                  m: { engine: vllm, model: q, memory: 40GiB, args: --max-num-seqs 32, max_concurrency: 8 }
                """);
        assertThat(m.maxConcurrency()).isEqualTo(8);
        assertThat(m.maxConcurrencySource()).isEqualTo("config");
    }

    @Test
    void otherHttpEngines_getTheGenerousDefault_andHearthsOwnEnginesTheirs() {
        var config = load(dir, """
                models:
                  server: { engine: process, cmd: "my-server --port ${PORT}", memory: 1GiB }
                  far: { url: "http://10.0.0.5:8000" }
                  stories: { path: %s }
                  video: { engine: worker, cmd: python3 -m hearth_worker, memory: 1GiB }
                """.formatted(ConfigFiles.STORIES.toAbsolutePath()));
        assertThat(config.models().get("server").maxConcurrency()).isEqualTo(64);
        assertThat(config.models().get("server").maxConcurrencySource()).isEqualTo("default for HTTP servers");
        assertThat(config.models().get("far").maxConcurrency()).isEqualTo(64);
        assertThat(config.models().get("stories").maxConcurrency()).isEqualTo(2);
        assertThat(config.models().get("stories").maxConcurrencySource()).startsWith("llamacpp");
        assertThat(config.models().get("video").maxConcurrency()).isEqualTo(1);
    }

    @Test
    void aGgufGivenAlone_onLlamaServer_getsLlamaServersSlots() throws IOException {
        Path binary = Files.writeString(Files.createDirectories(dir.resolve("bin")).resolve("llama-server"),
                "#!/bin/sh\nexit 1\n");
        Files.setPosixFilePermissions(binary, PosixFilePermissions.fromString("rwxr-xr-x"));
        HearthConfig config = ConfigLoader.load(write(dir, """
                models:
                  m: { path: %s }
                """.formatted(ConfigFiles.STORIES.toAbsolutePath())), Map.of("HEARTH_LLAMA_SERVER", binary.toString()), dir);
        ModelSpec m = config.models().get("m");
        assertThat(m.engine()).isEqualTo(EngineKind.PROCESS);
        assertThat(m.maxConcurrency()).isEqualTo(8);
        assertThat(m.maxConcurrencySource()).isEqualTo("llama-server --parallel default (auto: 4 slots), 2 per slot");
    }
}
