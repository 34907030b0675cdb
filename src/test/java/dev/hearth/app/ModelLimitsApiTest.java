package dev.hearth.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** GET /api/models shows each model's effective max_concurrency and where it came from; no engine starts. */
class ModelLimitsApiTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;

    @Test
    void apiModels_showsTheLimitAndItsSource_perModel() throws Exception {
        try (TestHearth h = new TestHearth(dir, "", """
                vllm-default:
                  engine: vllm
                  model: Qwen/Qwen2.5-7B-Instruct
                  memory: 1GiB
                vllm-seqs:
                  engine: vllm
                  model: Qwen/Qwen2.5-7B-Instruct
                  memory: 1GiB
                  args: --max-num-seqs 48
                llama:
                  engine: llama-server
                  model: /models/q.gguf
                  memory: 1GiB
                  args: -np 3
                chosen:
                  engine: remote
                  url: http://127.0.0.1:9
                  max_concurrency: 5
                """)) {
            Map<String, JsonNode> byName = new HashMap<>();
            JSON.readTree(h.get("/api/models").body()).forEach(m -> byName.put(m.path("name").asText(), m));

            assertThat(limit(byName.get("vllm-default"))).isEqualTo("1024 vllm --max-num-seqs default");
            assertThat(limit(byName.get("vllm-seqs"))).isEqualTo("48 vllm --max-num-seqs 48");
            assertThat(limit(byName.get("llama"))).isEqualTo("6 llama-server --parallel 3, 2 per slot");
            assertThat(limit(byName.get("chosen"))).isEqualTo("5 config");
            assertThat(byName.values()).allSatisfy(m -> assertThat(m.path("state").asText()).isEqualTo("unloaded"));
        }
    }

    private static String limit(JsonNode model) {
        return model.path("max_concurrency").asInt() + " " + model.path("max_concurrency_source").asText();
    }
}
