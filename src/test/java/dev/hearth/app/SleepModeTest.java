package dev.hearth.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.engine.ProcessEngine;
import dev.hearth.scheduler.ModelState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Rule 10 end to end against a fake vLLM (src/test/resources/fake_vllm.py: vLLM's routes, sleep
 * mode included, no GPU) on one fake GPU (a fake nvidia-smi): a model that may sleep is put to
 * sleep, not stopped, to make room, and woken — the same process — when a request wants it again.
 */
class SleepModeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path FAKE_VLLM = Path.of("src/test/resources/fake_vllm.py").toAbsolutePath();
    @TempDir
    Path dir;

    private static String fakeVllm(String name, String extra) {
        return """
                %s:
                  engine: process
                  cmd: python3 %s --port ${PORT} --name ${NAME} --enable-sleep-mode
                  memory: 6GiB
                %s
                """.formatted(name, FAKE_VLLM, extra.indent(2));
    }

    @Test
    void aModelThatCanSleep_isPutToSleepToMakeRoom_andWokenForItsNextRequest_sameProcess_fakeVllm() throws Exception {
        String models = fakeVllm("sleepy", "sleep: 1") + fakeVllm("other", "");
        try (TestHearth h = new TestHearth(dir, "memory_budget: 10GiB", models, FakeNvidiaSmi.hardware(dir,
                "0, NVIDIA H100 80GB HBM3 (fake), 81559, 1", "no-such-engine", 0))) {
            ok(h, "sleepy");
            long pid = pid(h, "sleepy");
            logShows(h, "sleepy", "dev mode 1"); // Hearth set VLLM_SERVER_DEV_MODE=1

            ok(h, "other");                                         // 6 + 6 > 10: sleepy makes room

            assertThat(state(h, "sleepy")).isEqualTo(ModelState.ASLEEP);
            logShows(h, "sleepy", "fake vllm: sleep level=1");
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).contains(true);
            JsonNode info = JSON.readTree(h.get("/info").body());
            assertThat(info.at("/memory/used_bytes").asLong()).as("only other's").isEqualTo(6L << 30);

            ok(h, "sleepy");                                        // other is stopped, sleepy woken

            logShows(h, "sleepy", "fake vllm: wake_up");
            assertThat(pid(h, "sleepy")).as("the same process, woken").isEqualTo(pid);
            assertThat(state(h, "other")).isEqualTo(ModelState.UNLOADED);
        }
    }

    private static void ok(TestHearth h, String model) {
        HttpResponse<String> r = h.post("/v1/chat/completions", TestHearth.chat(model, "\"max_tokens\":3"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("fake vllm answer");
    }

    private static long pid(TestHearth h, String model) {
        return ((ProcessEngine) h.hearth.scheduler().engine(model)).pid().orElseThrow();
    }

    private static ModelState state(TestHearth h, String model) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> h.hearth.scheduler().status().stream()
                .filter(s -> s.name().equals(model)).findFirst().orElseThrow().state(),
                s -> s != ModelState.SLEEPING && s != ModelState.UNLOADING);
    }

    /** An engine's lines reach its log through a pipe Hearth reads on its own thread: a moment after the answer. */
    private static void logShows(TestHearth h, String model, String text) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(h.get("/api/models/" + model + "/logs?lines=100").body()).contains(text));
    }
}
