package dev.hearth.catalog;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EngineConcurrencyTest {

    private static EngineConcurrency.Limit process(String cmd) {
        return EngineConcurrency.of(EngineKind.PROCESS, cmd, Map.of());
    }

    @Test
    void llamaServer_isTwoPerSlot_readingParallelInEveryForm() {
        assertThat(process("llama-server -m m.gguf --port ${PORT} --parallel 8"))
                .isEqualTo(new EngineConcurrency.Limit(16, "llama-server --parallel 8, 2 per slot"));
        assertThat(process("llama-server -m m.gguf --parallel=6").value()).isEqualTo(12);
        assertThat(process("/opt/llama.cpp/build/bin/llama-server -np 3 -m m.gguf").value()).isEqualTo(6);
        assertThat(process("llama-server -np=5").value()).isEqualTo(10);
        assertThat(process("\"${HEARTH_LLAMA_SERVER:-llama-server}\" -m m.gguf -np 2").value()).isEqualTo(4);
    }

    @Test
    void llamaServer_isFourSlots_twoPerSlot_whenParallelIsAbsentOrAuto() {
        assertThat(process("llama-server -m m.gguf --port ${PORT}"))
                .isEqualTo(new EngineConcurrency.Limit(8, "llama-server --parallel default (auto: 4 slots), 2 per slot"));
        assertThat(process("llama-server -m m.gguf -np -1"))
                .isEqualTo(new EngineConcurrency.Limit(8, "llama-server --parallel -1 (auto: 4 slots), 2 per slot"));
    }

    @Test
    void llamaServer_readsItsEnvironmentVariable_whenTheFlagIsAbsent() {
        assertThat(EngineConcurrency.of(EngineKind.PROCESS, "llama-server -m m.gguf", Map.of("LLAMA_ARG_N_PARALLEL", "12")))
                .isEqualTo(new EngineConcurrency.Limit(24, "llama-server LLAMA_ARG_N_PARALLEL=12, 2 per slot"));
        assertThat(process("LLAMA_ARG_N_PARALLEL=7 llama-server -m m.gguf").value()).isEqualTo(14);
        // the flag wins, as in llama.cpp
        assertThat(EngineConcurrency.of(EngineKind.PROCESS, "llama-server -np 2", Map.of("LLAMA_ARG_N_PARALLEL", "12"))
                .value()).isEqualTo(4);
    }

    @Test
    void vllm_readsMaxNumSeqs_andTakesItsLargerDefault_whenAbsent() {
        assertThat(process("vllm serve Qwen/Qwen2.5-7B --port ${PORT} --max-num-seqs 32"))
                .isEqualTo(new EngineConcurrency.Limit(32, "vllm --max-num-seqs 32"));
        assertThat(process("vllm serve q --max-num-seqs=48").value()).isEqualTo(48);
        assertThat(process("python3 -m vllm.entrypoints.openai.api_server --model q --max_num_seqs 16").value())
                .isEqualTo(16);
        assertThat(process("docker run --gpus all -p ${PORT}:8000 vllm/vllm-openai --model q --max-num-seqs 8").value())
                .isEqualTo(8);
        assertThat(process("vllm serve q --port ${PORT}"))
                .isEqualTo(new EngineConcurrency.Limit(1024, "vllm --max-num-seqs default"));
    }

    @Test
    void sglang_readsMaxRunningRequests() {
        assertThat(process("python3 -m sglang.launch_server --model-path m --max-running-requests 128"))
                .isEqualTo(new EngineConcurrency.Limit(128, "sglang --max-running-requests 128"));
        assertThat(process("python3 -m sglang.launch_server --model-path m --max-running-requests=96").value())
                .isEqualTo(96);
        assertThat(process("python3 -m sglang.launch_server --model-path m"))
                .isEqualTo(new EngineConcurrency.Limit(1024, "sglang --max-running-requests default"));
    }

    @Test
    void quotedArguments_countAsOneWord_andAFlagInsideAQuoteIsNotAFlag() {
        assertThat(process("'/opt/my models/llama-server' -m '/models/a b.gguf' --parallel '6'").value()).isEqualTo(12);
        // the flag's text is part of another argument here: not llama-server's option
        assertThat(process("llama-server -m m.gguf --system-prompt \"use --parallel 9 wisely\"").value()).isEqualTo(8);
        assertThat(process("llama-server -m my\\ model.gguf -np 3").value()).isEqualTo(6);
    }

    @Test
    void theLastFlagWins_asInTheServersOwnParsers() {
        assertThat(process("vllm serve q --max-num-seqs 8 --max-num-seqs 64").value()).isEqualTo(64);
    }

    @Test
    void aLimitAboveHearthsCeiling_isCapped() {
        assertThat(process("vllm serve q --max-num-seqs 4096"))
                .isEqualTo(new EngineConcurrency.Limit(1024, "vllm --max-num-seqs 4096 (capped at 1024)"));
        assertThat(process("llama-server -np 600"))
                .isEqualTo(new EngineConcurrency.Limit(1024, "llama-server --parallel 600, 2 per slot (capped at 1024)"));
        assertThat(process("llama-server -np 2147483647").value()).isEqualTo(1024);
    }

    @Test
    void aValueThatIsNotANumber_fallsBackToTheServersDefault() {
        assertThat(process("llama-server --parallel lots").value()).isEqualTo(8);
        assertThat(process("vllm serve q --max-num-seqs").value()).isEqualTo(1024);
    }

    @Test
    void otherServers_getTheDefaultForHttpServersThatQueue() {
        assertThat(process("ollama-proxy --port ${PORT}"))
                .isEqualTo(new EngineConcurrency.Limit(64, "default for HTTP servers"));
        assertThat(EngineConcurrency.of(EngineKind.REMOTE, null, Map.of()).value()).isEqualTo(64);
        assertThat(process("broken 'quote").value()).isEqualTo(64);
    }

    @Test
    void hearthsOwnEngines_knowTheirLimits() {
        assertThat(EngineConcurrency.of(EngineKind.LLAMACPP, null, Map.of()).value()).isEqualTo(2);
        assertThat(EngineConcurrency.of(EngineKind.WORKER, "python3 -m hearth_worker", Map.of()).value()).isEqualTo(1);
        assertThat(EngineConcurrency.of(EngineKind.COMMAND, "whisper-cli ${INPUT}", Map.of()).value()).isEqualTo(4);
        assertThat(EngineConcurrency.of(EngineKind.ONNX_EMBEDDINGS, null, Map.of()).value()).isEqualTo(4);
    }

    @Test
    void words_splitsAsTheShellWould() {
        assertThat(EngineConcurrency.words("a 'b c' \"d e\" f\\ g h=\"i j\" k\\\n l"))
                .isEqualTo(List.of("a", "b c", "d e", "f g", "h=i j", "k", "l"));
        assertThatThrownBy(() -> EngineConcurrency.words("a \"b")).hasMessageContaining("not closed");
    }
}
