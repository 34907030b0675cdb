package dev.hearth.engine;

import dev.hearth.EngineException;
import dev.hearth.engine.process.ChildProcess;
import dev.hearth.engine.process.ChildSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The process engine against real child processes running {@link TinyServer}. */
class ProcessEngineTest {
    private static final Duration LONG = ofSeconds(120);
    private static final Duration GRACE = ofSeconds(5);

    @TempDir
    Path dir;

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final List<ProcessEngine> engines = new ArrayList<>();

    @AfterEach
    void stopAll() {
        engines.forEach(ProcessEngine::stop);
    }

    private ProcessEngine engine(ProcessSpec spec) {
        return engine(spec, ProcessEngine.Tuning.defaults());
    }

    private ProcessEngine engine(ProcessSpec spec, ProcessEngine.Tuning tuning) {
        var engine = new ProcessEngine(spec, PortPicker.loopback(), HTTP, InstantSource.system(), tuning);
        engines.add(engine);
        return engine;
    }

    private static long seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000_000;
    }

    @Test
    void ProcessEngine_becomesReadyAndServes_whenHealthAnswers200() throws Exception {
        var engine = engine(Tiny.spec(dir.resolve("tiny.log"), LONG, GRACE, "--delay-ready-ms", "300"));

        engine.start();

        URI base = engine.baseUrl();
        assertThat(base.toString()).startsWith("http://127.0.0.1:");
        assertThat(Tiny.logged(engine.logs(), "tiny: listening on port " + base.getPort())).isTrue();
        var response = HTTP.send(
                HttpRequest.newBuilder(base.resolve("/v1/models")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"tiny\"");
        long pid = engine.pid().orElseThrow();

        engine.stop();

        assertThat(ChildProcess.gone(pid)).isTrue();
        assertThat(engine.baseUrl()).isNull();
        assertThat(engine.pid()).isEmpty();
        assertThat(Files.readString(dir.resolve("tiny.log")))
                .contains("--- hearth ", "model 'tiny' starting on port " + base.getPort() + ": ")
                .contains("tiny: ready\ntiny: shutting down\n")
                .endsWith("model 'tiny' exited with code 143 (killed by signal 15) ---\n");
    }

    @Test
    void ProcessEngine_fallsBackToV1Models_whenHealthPathIs404() {
        var engine = engine(Tiny.spec(null, LONG, GRACE, "--no-health"));

        engine.start();

        assertThat(engine.baseUrl()).isNotNull();
    }

    @Test
    void ProcessEngine_failsFastWithLastLines_whenServerExitsWhileStarting() {
        var engine = engine(Tiny.spec(null, LONG, GRACE,
                "--print-lines", "60", "--exit-after-ms", "200", "--exit-code", "3", "--delay-ready-ms", "600000"));
        long t0 = System.nanoTime();

        assertThatThrownBy(engine::start)
                .isInstanceOf(EngineException.class)
                .hasMessageContaining("Engine for model 'tiny' exited with code 3 while starting")
                .hasMessageContaining("Last log lines:\n")
                .hasMessageContaining("tiny: fatal error, exiting with code 3")
                .hasMessageContaining("tiny: line 0060")
                .hasMessageNotContaining("tiny: line 0010");
        assertThat(seconds(t0)).as("seconds to fail, with a 120 s deadline").isLessThan(30);
    }

    @Test
    void ProcessEngine_failsFast_whenCommandIsNotFound() {
        var spec = new ProcessSpec(new ChildSpec("ghost", ProcessSpec.shell("no-such-server-xyz --port ${PORT}"),
                Map.of(), null, LONG, GRACE, null), "/health");
        var engine = engine(spec);

        assertThatThrownBy(engine::start)
                .isInstanceOf(EngineException.class)
                .hasMessageContaining("Engine for model 'ghost' exited with code 127 while starting")
                .hasMessageContaining("no-such-server-xyz");
    }

    @Test
    void ProcessEngine_failsAtDeadline_whenServerIsSilentAndNeverReady() {
        var engine = engine(Tiny.spec(null, ofSeconds(2), GRACE, "--delay-ready-ms", "600000"));
        long t0 = System.nanoTime();

        assertThatThrownBy(engine::start)
                .isInstanceOf(EngineException.class)
                .hasMessageContaining("Engine for model 'tiny' timed out while starting")
                .hasMessageContaining("no log output and no ready answer for 2s")
                .hasMessageContaining("/health: HTTP 503")
                .hasMessageContaining("tiny: listening on port");
        assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(ofSeconds(2).toNanos());
        assertThat(ChildProcess.gone(Tiny.numberAfter(engine.logs(), "tiny: pid"))).isTrue();
    }

    @Test
    void ProcessEngine_waitsPastOriginalDeadline_whenServerKeepsLogging() {
        // a line every 100 ms against a 6 s window: only a machine that stalls the child for 6 s
        // (a loaded CI box stalled one for 4 s once) makes this time out
        var engine = engine(Tiny.spec(null, ofSeconds(6), GRACE,
                "--log-every-ms", "100", "--delay-ready-ms", "9000"));
        long t0 = System.nanoTime();

        engine.start();

        assertThat(System.nanoTime() - t0).isGreaterThan(ofSeconds(6).toNanos());
        assertThat(engine.baseUrl()).isNotNull();
        assertThat(Tiny.logged(engine.logs(), "tiny: compiling step 60")).isTrue();
    }

    @Test
    void ProcessEngine_stopKillsGrandchild_whenServerSpawnedOne() {
        var engine = engine(Tiny.spec(null, LONG, GRACE, "--spawn-grandchild"));
        engine.start();
        long grandchild = Tiny.numberAfter(engine.logs(), "tiny: grandchild pid");
        long child = engine.pid().orElseThrow();
        assertThat(ChildProcess.gone(grandchild)).isFalse();

        engine.stop();

        assertThat(ChildProcess.gone(child)).isTrue();
        assertThat(ChildProcess.gone(grandchild)).isTrue();
    }

    @Test
    void ProcessEngine_killsAfterGrace_whenServerIgnoresSigterm() {
        var engine = engine(Tiny.spec(null, LONG, ofSeconds(1), "--ignore-sigterm"));
        engine.start();
        long pid = engine.pid().orElseThrow();
        long t0 = System.nanoTime();

        engine.stop();

        assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(ofSeconds(1).toNanos());
        assertThat(ChildProcess.gone(pid)).isTrue();
        assertThat(Tiny.logged(engine.logs(), "tiny: got SIGTERM, ignoring it")).isTrue();
    }

    @Test
    void ProcessEngine_reportsCrashAndReapsOrphans_whenServerIsKilledAfterReady() {
        var engine = engine(Tiny.spec(null, LONG, GRACE, "--spawn-grandchild"));
        engine.start();
        long grandchild = Tiny.numberAfter(engine.logs(), "tiny: grandchild pid");
        CompletableFuture<String> crashed = engine.crashed();

        ProcessHandle.of(engine.pid().orElseThrow()).orElseThrow().destroyForcibly();

        await().atMost(ofSeconds(30)).until(crashed::isDone);
        assertThat(crashed.join())
                .startsWith("Engine for model 'tiny' exited with code 137 (killed by signal 9); last log lines:\n")
                .contains("tiny: ready");
        assertThat(ChildProcess.gone(grandchild)).as("orphaned grandchild").isTrue();
        assertThat(engine.baseUrl()).isNull();
    }

    @Test
    void ProcessEngine_doesNotReportCrash_whenStopped() {
        var engine = engine(Tiny.spec(null, LONG, GRACE));
        engine.start();
        CompletableFuture<String> crashed = engine.crashed();

        engine.stop();
        engine.stop(); // idempotent

        await().during(ofMillis(1500)).atMost(ofSeconds(3)).until(() -> !crashed.isDone());
    }

    @Test
    void ProcessEngine_endsStartAndLeavesNothing_whenStoppedWhileStarting() {
        var engine = engine(Tiny.spec(null, LONG, GRACE, "--delay-ready-ms", "600000"));
        var starting = CompletableFuture.runAsync(engine::start, r -> Thread.ofVirtual().start(r));
        await().atMost(ofSeconds(30)).until(() -> Tiny.logged(engine.logs(), "tiny: listening"));
        long pid = Tiny.numberAfter(engine.logs(), "tiny: pid");

        engine.stop();

        assertThat(ChildProcess.gone(pid)).isTrue();
        assertThatThrownBy(starting::join)
                .isInstanceOf(CompletionException.class)
                .cause()
                .isInstanceOf(EngineException.class)
                .hasMessage("Engine for model 'tiny' was stopped while starting.");
    }

    @Test
    void ProcessEngine_startsAgainOnNewProcess_whenStoppedBefore() {
        var engine = engine(Tiny.spec(null, LONG, GRACE));
        engine.start();
        long first = engine.pid().orElseThrow();
        engine.stop();

        engine.start();

        assertThat(engine.pid().orElseThrow()).isNotEqualTo(first);
        assertThat(engine.baseUrl()).isNotNull();
        assertThat(engine.crashed()).isNotDone();
    }

    @Test
    void ProcessEngine_writesAndRotatesLogFile_whenOutputPassesLimit() throws Exception {
        Path log = dir.resolve("logs").resolve("tiny.log");
        var tuning = new ProcessEngine.Tuning(ofMillis(100), 2_000, 4_096, 2);
        var engine = engine(Tiny.spec(log, LONG, GRACE, "--print-lines", "1000"), tuning);

        engine.start();

        await().atMost(ofSeconds(10)).until(() -> Files.readString(log).contains("tiny: ready"));
        assertThat(log.resolveSibling("tiny.log.1")).exists();
        assertThat(log.resolveSibling("tiny.log.2")).exists();
        assertThat(log.resolveSibling("tiny.log.3")).doesNotExist();
        for (String name : List.of("tiny.log", "tiny.log.1", "tiny.log.2")) {
            assertThat(Files.size(log.resolveSibling(name))).isLessThanOrEqualTo(4_096);
        }
        assertThat(Files.readString(log.resolveSibling("tiny.log.2")) + Files.readString(log.resolveSibling("tiny.log.1"))
                + Files.readString(log)).contains("tiny: line 0999\ntiny: line 1000\n");
    }

    @Test
    void ProcessEngine_keepsLastLinesInMemory_whenOutputPassesRingSize() {
        var tuning = new ProcessEngine.Tuning(ofMillis(100), 50, 1 << 20, 1);
        var engine = engine(Tiny.spec(null, LONG, GRACE, "--print-lines", "500"), tuning);

        engine.start();

        await().atMost(ofSeconds(10)).until(() -> Tiny.logged(engine.logs(), "tiny: ready"));
        List<String> tail = engine.logs().tail(1_000);
        assertThat(tail).hasSize(50).contains("tiny: line 0500").doesNotContain("tiny: line 0001");
        assertThat(engine.logs().written()).isGreaterThan(500);
        assertThat(engine.logs().tail(2)).containsExactly(tail.get(48), tail.get(49));
    }
}
