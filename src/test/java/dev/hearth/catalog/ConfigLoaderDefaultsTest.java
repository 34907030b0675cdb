package dev.hearth.catalog;

import dev.hearth.config.ServerConfig;
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

import static dev.hearth.catalog.ConfigFiles.load;
import static org.assertj.core.api.Assertions.assertThat;

class ConfigLoaderDefaultsTest {
    @TempDir
    Path dir;

    private ServerConfig defaultServer() {
        return new ServerConfig("127.0.0.1", 8009, dir.resolve("data"), "sqlite", ServerConfig.AUTO,
                Duration.ofMinutes(30), false, 100, Duration.ofSeconds(60), Duration.ofMinutes(60), Duration.ofDays(7),
                null);
    }

    @Test
    void load_fillsEveryServerDefault_whenTheFileIsEmpty() {
        HearthConfig config = load(dir, "");

        assertThat(config.server()).isEqualTo(defaultServer());
        assertThat(config.server().autoBudget()).isTrue();
        assertThat(config.source()).isEqualTo(dir.resolve("hearth.yaml"));
    }

    @Test
    void load_fillsEveryModelDefault_fromTheServerSection() {
        HearthConfig config = load(dir, """
                server:
                  idle_unload: 5m
                  max_queue: 7
                  queue_timeout: 9s
                models:
                  chatty:
                    engine: process
                    cmd: server --port ${PORT}
                    memory: 1GiB
                """);

        ModelSpec m = config.models().get("chatty");
        assertThat(m).isEqualTo(new ModelSpec("chatty", Task.CHAT, dev.hearth.catalog.EngineKind.PROCESS, List.of(), "server --port ${PORT}",
                Map.of(), null, "/health", null, null, 1L << 30, Duration.ofMinutes(5), false, 64, 7,
                Duration.ofSeconds(9), Duration.ofMinutes(10), Duration.ofSeconds(10), Map.of(), null, Map.of(), null, null,
                null, "default for HTTP servers"));
    }

    @Test
    void load_setsEveryServerKey_whenTheFileGivesThem() throws Exception {
        Files.writeString(dir.resolve("keys"), "sk-one\n");
        HearthConfig config = load(dir, """
                server:
                  listen: 0.0.0.0:9000
                  data_dir: state
                  database: jdbc:postgresql://db/hearth
                  memory_budget: 100GiB
                  idle_unload: 0
                  exclusive: true
                  max_queue: 5
                  queue_timeout: 500ms
                  job_timeout: 2h
                  retention: 0
                  api_keys_file: keys
                models: {}
                """);

        assertThat(config.server()).isEqualTo(new ServerConfig("0.0.0.0", 9000, dir.resolve("state"),
                "jdbc:postgresql://db/hearth", 100L << 30, Duration.ZERO, true, 5, Duration.ofMillis(500),
                Duration.ofHours(2), Duration.ZERO, dir.resolve("keys")));
        assertThat(config.models()).isEmpty();
    }

    @Test
    void load_setsEveryModelKey_whenTheEntryGivesThem() throws Exception {
        Files.createDirectories(dir.resolve("work"));
        HearthConfig config = load(dir, """
                models:
                  wan:
                    task: video
                    engine: worker
                    cmd: python3 -m hearth_worker --model ${MODEL}
                    args: --dtype fp8
                    model: /models/wan21
                    env: { CUDA_VISIBLE_DEVICES: 0, HF_HOME: /cache }
                    cwd: work
                    memory: 32GiB
                    aliases: [wan2.1, t2v]
                    idle_unload: 10m
                    pinned: yes
                    max_concurrency: 2
                    max_queue: 3
                    queue_timeout: 0
                    start_timeout: 20m
                    stop_grace: 0
                    defaults: { size: 832x480, fps: 16, guidance_scale: 5.0 }
                    options: { offload: true, blocks: [1, 2] }
                    port: 8002
                """);

        assertThat(config.models().get("wan")).isEqualTo(new ModelSpec("wan", Task.VIDEO, dev.hearth.catalog.EngineKind.WORKER,
                List.of("wan2.1", "t2v"), "python3 -m hearth_worker --model /models/wan21 --dtype fp8",
                Map.of("CUDA_VISIBLE_DEVICES", "0", "HF_HOME", "/cache"), dir.resolve("work"), "/health", null, null,
                32L << 30, Duration.ofMinutes(10), true, 2, 3, Duration.ZERO, Duration.ofMinutes(20), Duration.ZERO,
                Map.of("size", "832x480", "fps", 16, "guidance_scale", 5.0), 8002,
                Map.of("offload", true, "blocks", List.of(1, 2), "model", "/models/wan21"), null, null,
                // its env's CUDA_VISIBLE_DEVICES pins it to GPU 0 (rule 9)
                new dev.hearth.config.Sharing(Duration.ofMinutes(3), Duration.ZERO,
                        new dev.hearth.config.Gpus(List.of(0), 0))));
    }

    @Test
    void load_defaultsMemoryAndTask_perEngine() throws Exception {
        ConfigFiles.copyStories(dir.resolve("models"), "tiny.gguf");
        HearthConfig config = load(dir, """
                models:
                  tiny:   { path: models/tiny.gguf }
                  embed:  { engine: onnx-embeddings }
                  far:    { url: "http://10.0.0.5:8000" }
                  smoke:  { engine: testsrc }
                """);

        long gguf = Files.size(ConfigFiles.STORIES);
        assertThat(config.models().get("tiny").engine().wire()).isEqualTo("llamacpp");
        assertThat(config.models().get("tiny").path()).isEqualTo(dir.resolve("models/tiny.gguf"));
        assertThat(config.models().get("tiny").memoryBytes()).isEqualTo(gguf + gguf / 5 + (64L << 20));
        assertThat(config.models().get("embed").task()).isEqualTo(Task.EMBEDDINGS);
        assertThat(config.models().get("embed").memoryBytes()).isEqualTo(128L << 20);
        assertThat(config.models().get("far").engine().wire()).isEqualTo("remote");
        assertThat(config.models().get("far").memoryBytes()).isZero();
        assertThat(config.models().get("far").url()).hasToString("http://10.0.0.5:8000");
        assertThat(config.models().get("smoke").task()).isEqualTo(Task.VIDEO);
        assertThat(config.models().get("smoke").maxConcurrency()).isEqualTo(1);
        assertThat(config.models().get("smoke").memoryBytes()).isEqualTo(64L << 20);
    }

    @Test
    void load_keepsFileOrder_ofModels() {
        HearthConfig config = load(dir, """
                models:
                  zeta: { engine: testsrc }
                  alpha: { engine: testsrc }
                  mid: { engine: testsrc }
                """);

        assertThat(config.models().keySet()).containsExactly("zeta", "alpha", "mid");
    }

    @Test
    void load_resolvesAnchorsAndMergeKeys_fromAnXKey() {
        HearthConfig config = load(dir, """
                x-common: &common
                  engine: process
                  memory: 2GiB
                  cmd: srv --port ${PORT}
                models:
                  a:
                    <<: *common
                  b:
                    <<: *common
                    memory: 3GiB
                """);

        assertThat(config.models().get("a").memoryBytes()).isEqualTo(2L << 30);
        assertThat(config.models().get("b").memoryBytes()).isEqualTo(3L << 30);
        assertThat(config.models().get("b").cmd()).isEqualTo("srv --port ${PORT}");
    }

    @Test
    void load_servesTheEmbeddedDefaultModels_whenTheFileHasNoModelsSection() {
        HearthConfig config = load(dir, "server: { max_queue: 3 }\n");

        assertThat(config.models().keySet()).containsExactly("all-minilm-l6-v2", "testsrc");
        assertThat(config.models().get("all-minilm-l6-v2").maxQueue()).isEqualTo(3);
    }
}
