package dev.hearth.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.TestModels;
import dev.hearth.observe.Hardware;
import dev.hearth.scheduler.ModelEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Rule 8 end to end: a real engine process (Hearth's llamacpp engine on stories260K) is measured
 * after its load, and the measured footprint replaces its declared memory in /api/models, /info,
 * the metrics and the scheduler's decisions.
 */
class MeasuredMemoryTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MIB = 1024L * 1024;
    @TempDir
    Path dir;

    private static final String MODEL = """
            measured:
              engine: llamacpp
              path: %s
              memory: 256MiB
            """;

    /** A fake of nvidia-smi (there is no GPU here): one 80 GB GPU, 30,000 MiB of it for each process of "measured". */
    private Hardware fakeGpuMachine() {
        return FakeNvidiaSmi.hardware(dir, "0, NVIDIA H100 80GB HBM3 (fake), 81559, 1",
                "LlamaEngineMain.*--name measured", 30000);
    }

    @Test
    void onAGpuMachine_theEnginesGpuMemory_replacesItsDeclaredMemory_andIsReported_fakeNvidiaSmi() throws Exception {
        try (TestHearth h = new TestHearth(dir, "", MODEL.formatted(TestModels.stories260K()), fakeGpuMachine())) {
            List<ModelEvent> events = new CopyOnWriteArrayList<>();
            h.hearth.scheduler().addListener(events::add);

            JsonNode model = measuredAfterOneChat(h);
            assertThat(model.path("memory_measured_bytes").asLong()).isEqualTo(30000 * MIB);
            assertThat(model.path("memory_measured_by").asText()).isEqualTo("gpu");
            assertThat(model.path("memory_declared_bytes").asLong()).isEqualTo(256 * MIB);
            assertThat(model.path("memory_bytes").asLong()).isEqualTo(30000 * MIB);
            assertThat(events).filteredOn(e -> e.type() == ModelEvent.Type.MEASURED).singleElement()
                    .extracting(ModelEvent::detail).asString()
                    .isEqualTo("uses 29.3 GiB (gpu), more than its memory: 256 MiB; Hearth counts 29.3 GiB from now on");

            JsonNode info = JSON.readTree(h.get("/info").body());
            assertThat(info.at("/memory/used_bytes").asLong()).isEqualTo(30000 * MIB);
            assertThat(info.at("/gpus/0/name").asText()).isEqualTo("NVIDIA H100 80GB HBM3 (fake)");
            assertThat(h.get("/metrics").body())
                    .contains("hearth_model_memory_measured_bytes{model=\"measured\"} 3.145728E10");
        }
    }

    /**
     * A DGX Spark (faked: no GPU here): nvidia-smi shows its memory as [N/A] yet lists each process's
     * CUDA memory, which is not in the process's resident memory there, so Hearth adds the two.
     */
    @Test
    void onUnifiedMemory_theEnginesCudaAndResidentMemory_added_fakeNvidiaSmi() throws Exception {
        Hardware dgxSpark = FakeNvidiaSmi.hardware(dir, "0, NVIDIA GB10 (fake), [N/A], [N/A]",
                "LlamaEngineMain.*--name measured", 30000);
        try (TestHearth h = new TestHearth(dir, "", MODEL.formatted(TestModels.stories260K()), dgxSpark)) {
            JsonNode model = measuredAfterOneChat(h);
            assertThat(model.path("memory_measured_by").asText()).isEqualTo("gpu+rss");
            // the 30,000 MiB nvidia-smi listed and the child JVM's own resident memory on top
            assertThat(model.path("memory_measured_bytes").asLong()).isBetween(30000 * MIB + 16 * MIB, 30000 * MIB + 64L * 1024 * MIB);
            assertThat(model.path("memory_bytes").asLong()).isEqualTo(model.path("memory_measured_bytes").asLong());
        }
    }

    @Test
    void withoutAGpu_theEnginesResidentMemoryIsMeasured() throws Exception {
        try (TestHearth h = new TestHearth(dir, "", MODEL.formatted(TestModels.stories260K()))) {
            JsonNode model = measuredAfterOneChat(h);
            assertThat(model.path("memory_measured_by").asText()).isEqualTo("rss");
            // a child JVM with a tiny model: tens of MiB at least, far below the 64 GiB this check allows
            assertThat(model.path("memory_measured_bytes").asLong()).isBetween(16 * MIB, 64L * 1024 * MIB);
            assertThat(model.path("memory_bytes").asLong()).isEqualTo(model.path("memory_measured_bytes").asLong());
        }
    }

    /** Serves one chat, then waits until the engine it started has been measured; its /api/models entry then. */
    private static JsonNode measuredAfterOneChat(TestHearth h) throws Exception {
        assertThat(h.post("/v1/chat/completions", TestHearth.chat("measured", "\"max_tokens\":2")).statusCode())
                .isEqualTo(200);
        return await().atMost(Duration.ofSeconds(30)).until(
                () -> JSON.readTree(h.get("/api/models/measured").body()),
                m -> m.path("memory_measured_bytes").asLong() > 0);
    }
}
