package dev.hearth.catalog;

import dev.hearth.config.Defaults;
import dev.hearth.config.MediaSection;
import dev.hearth.config.ServerSection;
import dev.hearth.catalog.ConfigLoader;
import dev.hearth.catalog.HearthConfig;
import dev.hearth.catalog.ModelSection;
import dev.hearth.catalog.ModelSpec;
import dev.hearth.catalog.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** hearth.example.yaml is documentation users copy: it must load, commented-out parts included. */
class ExampleConfigTest {
    @TempDir
    Path dir;

    private static final Path EXAMPLE = Path.of("hearth.example.yaml");

    /** The example's llamacpp model points at models/…gguf beside it; a real tiny GGUF stands in. */
    private Path copyExample(String text) throws Exception {
        ConfigFiles.copyStories(dir.resolve("models"), "qwen2.5-0.5b-instruct-q4_k_m.gguf");
        return Files.writeString(dir.resolve("hearth.yaml"), text);
    }

    @Test
    void example_loads_withEveryModelItShows() throws Exception {
        HearthConfig config = ConfigLoader.load(copyExample(Files.readString(EXAMPLE)), Map.of(), dir);

        assertThat(config.models().keySet()).containsExactly("qwen2.5-7b", "qwen2.5-coder-7b", "llama-3.1-8b",
                "qwen2.5-0.5b", "all-minilm-l6-v2", "big-box-70b", "tesseract-eng", "espeak-ng");
        assertThat(CommandSettings.of(config.models().get("espeak-ng")).voices()).containsEntry("alloy", "en-us");
        assertThat(CommandSettings.of(config.models().get("tesseract-eng")).template().items())
                .containsExactly("tesseract", "${INPUT}", "stdout", "-l", "eng");
        assertThat(config.models().get("qwen2.5-7b").cmd()).startsWith("vllm serve Qwen/Qwen2.5-7B-Instruct ")
                .endsWith("--gpu-memory-utilization 0.35 --max-model-len 16384 --enable-sleep-mode"
                        + " --enable-auto-tool-choice --tool-call-parser hermes");
        assertThat(config.models().get("qwen2.5-7b").env()).containsEntry("VLLM_SERVER_DEV_MODE", "1");
        assertThat(config.models().get("qwen2.5-7b").env()).containsEntry("HF_HOME", "/var/cache/huggingface");
        assertThat(config.models().get("qwen2.5-coder-7b").cmd()).startsWith("llama-server -m ");
        assertThat(config.models().get("llama-3.1-8b").cmd()).startsWith("python3 -m sglang.launch_server");
        assertThat(config.models().get("qwen2.5-0.5b").engine().wire()).isEqualTo("llamacpp");
        assertThat(config.models().get("big-box-70b").engine().wire()).isEqualTo("remote");
        assertThat(config.server()).usingRecursiveComparison().ignoringFields("dataDir").isEqualTo(Defaults.server());
        assertThat(config.server().dataDir()).isEqualTo(dir.resolve("data"));
    }

    @Test
    void example_loads_withTheVideoWorkerAndTheLightX2vServerUncommented() throws Exception {
        String text = Files.readString(EXAMPLE);
        int start = text.indexOf("  # wan2.1-t2v:");
        String worker = Pattern.compile("(?m)^  # ").matcher(text.substring(start)).replaceAll("  ");
        HearthConfig config = ConfigLoader.load(copyExample(text.substring(0, start) + worker), Map.of(), dir);

        ModelSpec wan = config.models().get("wan2.1-t2v");
        assertThat(wan.task()).isEqualTo(Task.VIDEO);
        assertThat(wan.engine().wire()).isEqualTo("worker");
        assertThat(wan.cmd()).startsWith("python3 -m hearth_worker --pipeline wan2.1-t2v");
        assertThat(wan.memoryBytes()).isEqualTo(40L << 30);
        assertThat(wan.port()).isEqualTo(8002);
        assertThat(wan.maxConcurrency()).isEqualTo(1);
        assertThat(wan.defaults()).containsEntry("size", "832x480").containsEntry("fps", 16);
        ModelSpec lightx2v = config.models().get("wan2.1-i2v-lightx2v");
        assertThat(lightx2v.engine().wire()).isEqualTo("lightx2v");
        assertThat(lightx2v.task()).isEqualTo(Task.VIDEO);
        assertThat(lightx2v.health()).isEqualTo("/v1/service/status");
        assertThat(lightx2v.memoryBytes()).isZero();
    }

    @Test
    void example_documentsEveryKey_theLoaderReads() throws Exception {
        String text = Files.readString(EXAMPLE);
        for (String key : ServerSection.KEYS) assertThat(text).contains(key + ":");
        for (String key : MediaSection.KEYS) assertThat(text).contains(key + ":");
        assertThat(text).contains("\nmedia:\n");
        for (String key : ModelSection.KEYS) assertThat(text).containsPattern("(?m)^  #   " + key + " ");
    }
}
