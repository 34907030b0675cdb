package dev.hearth.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.TestModels;
import dev.hearth.catalog.ConfigLoader;
import dev.hearth.engine.ProcessEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

/**
 * {@code ./hearth serve} beside a folder of GGUFs, on a machine with llama.cpp's llama-server
 * ({@code HEARTH_LLAMA_SERVER}, as {@code bin/build-llama-server} prints it): the embedded default
 * serves each GGUF on the real llama-server ({@code server.gguf_engine: auto}), and says so in
 * /api/models. Without the binary it is skipped locally and fails when CI=true.
 */
class LlamaServerAsDefaultGgufEngineTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;
    TestHearth h;

    @BeforeEach
    void start() throws IOException {
        String why = LlamaServerPresetTest.missing();
        if (why != null) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) fail("CI=true but " + why);
            abort("llama-server test skipped: " + why);
        }
        Path models = Files.createDirectories(dir.resolve("models"));
        Files.copy(TestModels.stories260K(), models.resolve("stories260K.gguf"));
        Path yaml = Files.writeString(dir.resolve("hearth.yaml"),
                "server: { listen: 127.0.0.1:0, data_dir: " + dir.resolve("data") + " }\n");
        h = new TestHearth(ConfigLoader.load(yaml, Map.of(
                "HEARTH_LLAMA_SERVER", System.getenv("HEARTH_LLAMA_SERVER"),
                "HEARTH_MODELS_DIR", models.toString())));
    }

    @AfterEach
    void stop() {
        if (h != null) h.close();
    }

    @Test
    void aGgufInTheModelsFolder_isServedByLlamaServer_andListedAsSuch() throws Exception {
        JsonNode listed = JSON.readTree(h.get("/api/models/stories260k").body());
        assertThat(listed.at("/engine").asText()).isEqualTo("process");
        assertThat(listed.at("/preset").asText()).isEqualTo("llama-server");

        HttpResponse<String> r = h.post("/v1/chat/completions", TestHearth.chat("stories260k", "\"max_tokens\":8"));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).at("/choices/0/message/content").asText()).isNotBlank();
        long pid = ((ProcessEngine) h.hearth.scheduler().engine("stories260k")).pid().orElseThrow();
        assertThat(ProcessHandle.of(pid).flatMap(p -> p.info().command())).hasValueSatisfying(
                command -> assertThat(command).endsWith("llama-server"));
        // llama-server's own log lines, not Hearth's engine's
        assertThat(h.get("/api/models/stories260k/logs?lines=2000").body()).contains("llama_server: model loaded");
    }
}
