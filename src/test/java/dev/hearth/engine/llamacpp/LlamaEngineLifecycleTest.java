package dev.hearth.engine.llamacpp;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Start-up, readiness and termination of a real child engine, as the process engine drives it. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LlamaEngineLifecycleTest {
    static EngineProcess engine;

    @BeforeAll
    static void start() throws Exception {
        engine = EngineProcess.start("stories", Map.of("ctx_size", 512)).awaitReady();
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    @Test
    @Order(1)
    void health_answers503Loading_thenOk_onceTheModelIsLoaded() throws Exception {
        // the HTTP server starts before the native library and the model load, so /health
        // answers 503 for that whole time: the poll at 5 ms cannot miss it
        assertThat(engine.healthSeen).containsSubsequence(503, 200).last().isEqualTo(200);
        assertThat(engine.healthSeen).doesNotContain(500).doesNotContain(404);
        assertThat(engine.loadingBody).isEqualTo("{\"status\":\"loading\"}");
        assertThat(engine.get("/health").body()).isEqualTo("{\"status\":\"ok\"}");
    }

    @Test
    @Order(2)
    void engine_logsProgressLines_whileStarting() {
        assertThat(String.join("\n", engine.output()))
                .contains("[hearth-llamacpp] listening on http://127.0.0.1:" + engine.port)
                .contains("[hearth-llamacpp] loading: ctx-size 512, threads 1, kv cache f32")
                .contains("[hearth-llamacpp] ready: model 'stories' loaded");
    }

    @Test
    @Order(3)
    void engine_exitsPromptly_onSigterm() {
        engine.process.destroy(); // SIGTERM
        await().atMost(Duration.ofSeconds(5)).until(() -> !engine.process.isAlive());
        assertThat(engine.process.exitValue()).isZero();
        // the reader thread may still be draining the pipe when the process is gone
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(String.join("\n", engine.output())).contains("[hearth-llamacpp] terminating"));
    }

    @Test
    void engine_exitsWithReason_whenTheModelFileIsMissing() throws Exception {
        // the process engine fails a start fast when the child exits: it must exit, not hang
        var spec = EngineProcess.spec("missing", Map.of());
        var bad = new dev.hearth.catalog.ModelSpec(spec.name(), spec.task(), spec.engine(), spec.aliases(), spec.cmd(),
                spec.env(), spec.cwd(), spec.health(), spec.url(), java.nio.file.Path.of("/nonexistent/model.gguf"),
                spec.memoryBytes(), spec.idleUnload(), spec.pinned(), spec.maxConcurrency(), spec.maxQueue(),
                spec.queueTimeout(), spec.startTimeout(), spec.stopGrace(), spec.defaults(), spec.port(), spec.options(), null, null);
        var argv = LlamaCppCommand.argv(bad).stream().map(a -> a.replace(LlamaCppCommand.PORT, "0")).toList();
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        await().atMost(Duration.ofSeconds(30)).until(() -> !p.isAlive());
        assertThat(p.exitValue()).isEqualTo(1);
        assertThat(new String(p.getInputStream().readAllBytes()))
                .contains("failed to load /nonexistent/model.gguf");
    }
}
