package dev.hearth.engine.worker;

import dev.hearth.engine.JobRequest;
import dev.hearth.engine.WorkerListener;
import dev.hearth.engine.WorkerRun;
import dev.hearth.EngineException;
import dev.hearth.engine.process.ChildSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The engine against misbehaving real worker processes ({@link FakeWorker}). */
class WorkerEngineTest {
    @TempDir
    Path tmp;
    private WorkerEngine engine;

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.stop();
        }
    }

    private WorkerEngine fake(String mode, Duration stall, Duration cancelGrace) {
        engine = new WorkerEngine(new WorkerSpec(new ChildSpec("fake-" + mode, FakeWorker.argv(mode), null, null,
                Duration.ofSeconds(60), Duration.ofSeconds(2), tmp.resolve("logs/fake.log")), stall, cancelGrace));
        return engine;
    }

    private JobRequest job(String id) {
        return new JobRequest(id, "t2v", null, null, tmp.resolve("out/" + id));
    }

    static final class Recorder implements WorkerListener {
        final List<Integer> steps = new CopyOnWriteArrayList<>();
        final List<Double> progress = new CopyOnWriteArrayList<>();
        final List<Path> outputs = new CopyOnWriteArrayList<>();

        @Override
        public void progress(double p, String stage, int step, int of) {
            progress.add(p);
            steps.add(step);
        }

        @Override
        public void output(Path path, String contentType) {
            outputs.add(path);
        }
    }

    @Test
    void start_failsFastWithLastLogLines_whenWorkerExitsWhileStarting() {
        var e = fake("die-starting", Duration.ofSeconds(5), Duration.ofSeconds(1));
        long t0 = System.nanoTime();
        assertThatThrownBy(e::start)
                .isInstanceOf(EngineException.class)
                .hasMessageContaining("exited with code 2 while starting")
                .hasMessageContaining("fake worker: cannot load the model");
        // far less than the 60 s start timeout: the exit ended the wait, not the clock
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void run_endsStalledAndKillsWorker_whenWorkerGoesSilent() throws Exception {
        var e = fake("stall", Duration.ofSeconds(1), Duration.ofSeconds(1));
        e.start();
        long pid = e.pid().orElseThrow();
        WorkerRun outcome = e.run(job("j1"), WorkerListener.NONE);
        assertThat(outcome).isEqualTo(new WorkerRun.Stalled());
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(e.logs().tail(50)).anyMatch(l -> l.contains("stalled"));
    }

    @Test
    void cancel_killsWorkerAfterGrace_whenWorkerIgnoresCancel() throws Exception {
        var e = fake("ignore-cancel", Duration.ofSeconds(30), Duration.ofMillis(500));
        e.start();
        long pid = e.pid().orElseThrow();
        var rec = new Recorder();
        var outcome = CompletableFuture.supplyAsync(() -> e.run(job("j1"), rec));
        await().atMost(Duration.ofSeconds(30)).until(() -> !rec.steps.isEmpty());
        assertThat(e.cancel("other-job")).isFalse();
        assertThat(e.cancel("j1")).isTrue();
        assertThat(outcome.get(30, TimeUnit.SECONDS)).isEqualTo(new WorkerRun.Cancelled());
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(e.logs().tail(50)).anyMatch(l -> l.contains("not cancelled after 500ms"));
    }

    @Test
    void run_reportsCrashWithExitCodeAndStderr_andNextRunRestartsWorker_whenWorkerDiesMidJob() throws Exception {
        var e = fake("crash", Duration.ofSeconds(30), Duration.ofSeconds(1));
        e.start();
        long first = e.pid().orElseThrow();
        WorkerRun outcome = e.run(job("j1"), WorkerListener.NONE);
        assertThat(outcome).isInstanceOfSatisfying(WorkerRun.Crashed.class, c -> {
            assertThat(c.exitCode()).isEqualTo(3);
            assertThat(c.lastLogLines()).anyMatch(l -> l.contains("CUDA error: an illegal memory access"));
        });
        assertThat(e.crashed()).isNotDone(); // the job's outcome reported it, not the idle watch

        var again = new Recorder();
        assertThat(e.run(job("j2"), again)).isInstanceOf(WorkerRun.Crashed.class);
        assertThat(again.steps).containsExactly(1); // a fresh worker took the job
        assertThat(e.logs().tail(100)).filteredOn(l -> l.contains("fake worker crash: pid"))
                .hasSize(2).last().asString()
                .doesNotEndWith("pid " + first);
    }

    @Test
    void run_ignoresJunkAndUnknownMessages_whenWorkerWritesThemToStdout() throws Exception {
        var e = fake("chatty", Duration.ofSeconds(30), Duration.ofSeconds(1));
        e.start();
        var rec = new Recorder();
        assertThat(e.run(job("j1"), rec)).isEqualTo(new WorkerRun.Done());
        assertThat(rec.progress).containsExactly(1.0); // not the other job's 0.5
        assertThat(e.logs().tail(50))
                .anyMatch(l -> l.contains("protocol error: not JSON"))
                .anyMatch(l -> l.contains("unknown type 'telemetry'"));
    }

    @Test
    void run_refusesSecondJob_whenOneIsRunning() throws Exception {
        var e = fake("stall", Duration.ofSeconds(30), Duration.ofMillis(300));
        e.start();
        var first = CompletableFuture.supplyAsync(() -> e.run(job("j1"), WorkerListener.NONE));
        await().atMost(Duration.ofSeconds(30)).until(() -> e.logs().tail(50).stream().anyMatch(l -> l.contains("got job j1")));
        assertThatThrownBy(() -> e.run(job("j2"), WorkerListener.NONE)).isInstanceOf(IllegalStateException.class);
        e.cancel("j1");
        assertThat(first.get(30, TimeUnit.SECONDS)).isEqualTo(new WorkerRun.Cancelled());
    }

    @Test
    void crashed_completes_whenIdleWorkerDies() throws Exception {
        var e = fake("stall", Duration.ofSeconds(30), Duration.ofSeconds(1));
        e.start();
        ProcessHandle.of(e.pid().orElseThrow()).orElseThrow().destroyForcibly();
        assertThat(e.crashed().get(30, TimeUnit.SECONDS)).contains("exited with code 137");
    }

    @Test
    void stop_endsWorker_whenItHonoursShutdown() {
        var e = fake("stall", Duration.ofSeconds(30), Duration.ofSeconds(1));
        e.start();
        long pid = e.pid().orElseThrow();
        e.stop();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(e.crashed()).isNotDone();
        assertThatThrownBy(() -> e.run(job("j1"), WorkerListener.NONE)).isInstanceOf(IllegalStateException.class);
    }
}
