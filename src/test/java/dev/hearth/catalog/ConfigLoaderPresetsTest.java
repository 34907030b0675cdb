package dev.hearth.catalog;

import dev.hearth.catalog.ModelSpec;
import dev.hearth.catalog.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static dev.hearth.catalog.ConfigFiles.load;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLoaderPresetsTest {
    @TempDir
    Path dir;

    @Test
    void vllm_expandsToAProcess_withItsCommandAndHealth() {
        ModelSpec m = load(dir, """
                models:
                  qwen:
                    engine: vllm
                    model: Qwen/Qwen2.5-7B-Instruct
                    args: --gpu-memory-utilization 0.35
                    memory: 40GiB
                """).models().get("qwen");

        assertThat(m.engine().wire()).isEqualTo("process");
        assertThat(m.task()).isEqualTo(Task.CHAT);
        assertThat(m.cmd()).isEqualTo("vllm serve Qwen/Qwen2.5-7B-Instruct --host 127.0.0.1 --port ${PORT}"
                + " --served-model-name qwen --gpu-memory-utilization 0.35");
        assertThat(m.health()).isEqualTo("/health");
        assertThat(m.options()).isEqualTo(Map.of("model", "Qwen/Qwen2.5-7B-Instruct", "preset", "vllm"));
    }

    @Test
    void llamaServer_expandsToAProcess_withTheGgufAndAnAlias() {
        ModelSpec m = load(dir, """
                models:
                  coder:
                    engine: llama-server
                    model: /models/coder.gguf
                    memory: 6GiB
                """).models().get("coder");

        assertThat(m.engine().wire()).isEqualTo("process");
        assertThat(m.cmd()).isEqualTo("\"${HEARTH_LLAMA_SERVER:-llama-server}\" -m /models/coder.gguf --host 127.0.0.1 --port ${PORT} --alias coder --jinja");
        assertThat(m.health()).isEqualTo("/health");
    }

    @Test
    void sglang_expandsToAProcess_withItsLauncher() {
        ModelSpec m = load(dir, """
                models:
                  llama:
                    engine: sglang
                    model: meta-llama/Llama-3.1-8B-Instruct
                    memory: 36GiB
                """).models().get("llama");

        assertThat(m.cmd()).isEqualTo("python3 -m sglang.launch_server --model-path meta-llama/Llama-3.1-8B-Instruct"
                + " --host 127.0.0.1 --port ${PORT} --served-model-name llama");
        assertThat(m.health()).isEqualTo("/health");
    }

    @Test
    void preset_givesWay_toTheEntrysOwnCmdAndHealth() {
        ModelSpec m = load(dir, """
                models:
                  qwen:
                    engine: vllm
                    model: Qwen/Qwen2.5-7B-Instruct
                    cmd: /opt/vllm/bin/vllm serve ${MODEL} --port ${PORT} --enable-sleep-mode
                    health: /ping
                    memory: 40GiB
                """).models().get("qwen");

        assertThat(m.cmd()).isEqualTo("/opt/vllm/bin/vllm serve Qwen/Qwen2.5-7B-Instruct --port ${PORT} --enable-sleep-mode");
        assertThat(m.health()).isEqualTo("/ping");
        assertThat(m.options()).containsEntry("preset", "vllm");
    }

    @Test
    void process_fillsInModelAndName_butLeavesPortForTheEngine() {
        ModelSpec m = load(dir, """
                models:
                  srv:
                    engine: process
                    model: /weights/x
                    cmd: serve ${MODEL} --name ${NAME} --port ${PORT}
                    memory: 1GiB
                """).models().get("srv");

        assertThat(m.cmd()).isEqualTo("serve /weights/x --name srv --port ${PORT}");
    }

    @Test
    void vllmThatMaySleep_getsItsSleepModeFlag_andTheDevModeItsSleepRoutesNeed() {
        ModelSpec m = load(dir, """
                models:
                  qwen:
                    engine: vllm
                    model: Qwen/Qwen2.5-7B-Instruct
                    memory: 40GiB
                    sleep: 1
                """).models().get("qwen");

        assertThat(m.cmd()).endsWith(" --served-model-name qwen --enable-sleep-mode");
        assertThat(m.env()).containsEntry("VLLM_SERVER_DEV_MODE", "1");
        assertThat(m.sharing().sleep()).isEqualTo(1);
    }

    @Test
    void vllmWithAToolParser_getsAutoToolChoiceAndTheParser_sglangItsParser() {
        var models = load(dir, """
                models:
                  qwen:
                    engine: vllm
                    model: Qwen/Qwen2.5-7B-Instruct
                    memory: 40GiB
                    tool_parser: hermes
                  coder:
                    engine: sglang
                    model: Qwen/Qwen3-Coder-30B-A3B-Instruct
                    memory: 40GiB
                    tool_parser: qwen3_coder
                """).models();

        assertThat(models.get("qwen").cmd()).isEqualTo("vllm serve Qwen/Qwen2.5-7B-Instruct --host 127.0.0.1"
                + " --port ${PORT} --served-model-name qwen --enable-auto-tool-choice --tool-call-parser hermes");
        assertThat(models.get("coder").cmd()).endsWith(" --served-model-name coder --tool-call-parser qwen3_coder");
    }

    @Test
    void toolParser_isRefusedOutsideVllmAndSglang_andWhenNotAParserName() {
        assertThatThrownBy(() -> load(dir, """
                models:
                  coder:
                    engine: llama-server
                    model: /models/coder.gguf
                    tool_parser: hermes
                """)).hasMessageContaining("models.coder.tool_parser")
                .hasMessageContaining("only engine vllm or sglang");
        assertThatThrownBy(() -> load(dir, """
                models:
                  qwen:
                    engine: vllm
                    model: Qwen/Qwen2.5-7B-Instruct
                    tool_parser: "hermes; rm -rf /"
                """)).hasMessageContaining("models.qwen.tool_parser")
                .hasMessageContaining("like hermes");
    }

    @Test
    void sleep_isRefusedWhereNoServerCouldSleep_andOutsideOneAndTwo() {
        var e = ConfigFiles.refused(dir, """
                models:
                  embed: { engine: onnx-embeddings, sleep: 1 }
                  deep: { engine: vllm, model: m, memory: 1GiB, sleep: 3 }
                """);

        assertThat(e.problems()).anySatisfy(p -> assertThat(p).endsWith("models.embed.sleep: only a process engine's"
                        + " server can sleep (vLLM with --enable-sleep-mode, e.g. engine: vllm), not engine onnx-embeddings"))
                .anySatisfy(p -> assertThat(p).endsWith("models.deep.sleep: expected 1 (weights kept in CPU memory) or 2"
                        + " (weights dropped), got \"3\""));
    }
}
