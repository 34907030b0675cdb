package dev.hearth.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Rule 9 end to end with a fake nvidia-smi (there is no GPU here): the budget is each GPU, a model is
 * placed on a GPU and its engine, a real child process, sees only that GPU in CUDA_VISIBLE_DEVICES.
 */
class GpuPlacementTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MIB = 1024L * 1024;
    @TempDir
    Path dir;

    /** A real process engine that says which GPUs it was given, then serves "/" over HTTP for its health check. */
    private static String model(String name, String extra) {
        return """
                %s:
                  engine: process
                  cmd: echo "visible=$CUDA_VISIBLE_DEVICES"; exec python3 -m http.server ${PORT} --bind 127.0.0.1
                  health: /
                  task: embeddings
                %s
                """.formatted(name, extra.indent(2));
    }

    private static final String TWO_GPUS = """
            0, NVIDIA H100 80GB HBM3 (fake), 81559, 1
            1, NVIDIA H100 80GB HBM3 (fake), 81559, 1
            """;

    @Test
    void onTwoGpus_aPinnedModelRunsOnItsGpu_andAnotherWhereItFitsBest_eachSeeingOnlyItsOwn_fakeNvidiaSmi()
            throws Exception {
        String models = model("pinned", "memory: 60000MiB\ngpus: [0]") + model("any", "memory: 40000MiB");
        try (TestHearth h = new TestHearth(dir, "", models, FakeNvidiaSmi.hardware(dir, TWO_GPUS, "no-such-engine", 0))) {
            JsonNode info = JSON.readTree(h.get("/info").body());
            assertThat(info.at("/devices").size()).isEqualTo(2);
            assertThat(info.at("/devices/1/budget_bytes").asLong()).isEqualTo(81559 * MIB);
            assertThat(info.at("/devices/1/gpu").asBoolean()).isTrue();

            load(h, "pinned");
            load(h, "any");

            assertThat(JSON.readTree(h.get("/api/models/pinned").body()).at("/devices").toString()).isEqualTo("[0]");
            assertThat(JSON.readTree(h.get("/api/models/any").body()).at("/devices").toString())
                    .as("GPU 0 has 19,559 MiB left: not enough").isEqualTo("[1]");
            assertThat(log(h, "pinned")).contains("visible=0");
            assertThat(log(h, "any")).contains("visible=1");
            info = JSON.readTree(h.get("/info").body());
            assertThat(info.at("/devices/0/used_bytes").asLong()).isEqualTo(60000 * MIB);
            assertThat(info.at("/devices/1/used_bytes").asLong()).isEqualTo(40000 * MIB);
        }
    }

    @Test
    void onADgxSparksUnifiedMemory_oneDevice_gpu0_fakeNvidiaSmi() throws Exception {
        try (TestHearth h = new TestHearth(dir, "memory_budget: 100GiB", model("m", "memory: 1GiB"),
                FakeNvidiaSmi.hardware(dir, "0, NVIDIA GB10, [N/A], [N/A]", "no-such-engine", 0))) {
            JsonNode info = JSON.readTree(h.get("/info").body());
            assertThat(info.at("/devices").size()).isEqualTo(1);
            assertThat(info.at("/devices/0/name").asText()).isEqualTo("NVIDIA GB10 (unified memory)");
            assertThat(info.at("/devices/0/budget_bytes").asLong()).isEqualTo(100L << 30);

            load(h, "m");

            assertThat(log(h, "m")).contains("visible=0");
        }
    }

    @Test
    void aModelPinnedToAGpuTheMachineLacks_stopsHearthAtStart_namingTheGpusItHas_fakeNvidiaSmi() {
        assertThatThrownBy(() -> new TestHearth(dir, "", model("m", "memory: 1GiB\ngpus: [0, 3]"),
                FakeNvidiaSmi.hardware(dir, TWO_GPUS, "no-such-engine", 0)))
                .isInstanceOf(StartupException.class)
                .hasMessage("models.m.gpus: [0, 3], but this machine has GPUs 0, 1 (nvidia-smi)");
    }

    @Test
    void withoutAGpu_theEngineGetsNoCudaVisibleDevices() throws Exception {
        try (TestHearth h = new TestHearth(dir, "", model("m", "memory: 1GiB"))) {
            load(h, "m");

            assertThat(log(h, "m")).contains("visible=\"").doesNotContain("visible=0");
        }
    }

    private static void load(TestHearth h, String model) {
        assertThat(h.post("/api/models/" + model + "/load", "").statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> log(h, model).contains("visible="));
    }

    private static String log(TestHearth h, String model) {
        return h.get("/api/models/" + model + "/logs?lines=100").body();
    }
}
