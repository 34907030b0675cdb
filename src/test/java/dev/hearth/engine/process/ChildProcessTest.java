package dev.hearth.engine.process;

import dev.hearth.engine.LogBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The one way engines run a child, against real {@code sh} children. */
class ChildProcessTest {
    private static final Duration LONG = ofSeconds(60);

    @TempDir
    Path tmp;

    private final LogBuffer logs = new LogBuffer(100);
    private final List<ChildProcess> launched = new ArrayList<>();

    @AfterEach
    void endAll() {
        launched.forEach(c -> c.end(ofMillis(100)));
    }

    private ChildProcess launch(String script, ChildProcess.Output output, Map<String, String> env, Path cwd,
            InstantSource clock) throws IOException {
        var spec = new ChildSpec("m", List.of("/bin/sh", "-c", script), env, cwd, LONG, LONG, tmp.resolve("logs/m.log"));
        var child = ChildProcess.launch(spec, output, ChildProcess.Logs.of(logs), clock, " here");
        launched.add(child);
        return child;
    }

    private ChildProcess launch(String script) throws IOException {
        return launch(script, ChildProcess.Output.MERGED, Map.of(), null, InstantSource.system());
    }

    private String file() throws IOException {
        return Files.readString(tmp.resolve("logs/m.log"));
    }

    @Test
    void ChildProcess_logsStdoutAndStderrWithHearthsNotes_whenOutputIsMerged() throws Exception {
        var child = launch("echo to-stdout; echo to-stderr >&2; exit 3");

        assertThat(child.awaitExit(LONG)).isTrue();
        assertThat(child.end(LONG)).isEmpty();

        assertThat(logs.tail(10)).containsExactlyInAnyOrder("to-stdout", "to-stderr");
        assertThat(child.exitCode()).isEqualTo("3");
        assertThat(file())
                .startsWith("--- hearth ")
                .contains("model 'm' starting here: /bin/sh -c echo to-stdout", "to-stdout\n", "to-stderr\n")
                .endsWith("model 'm' exited with code 3 ---\n");
        assertThat(logs.tail(10)).noneMatch(l -> l.startsWith("--- hearth")); // notes are not the engine's progress
    }

    @Test
    void ChildProcess_leavesStdoutAndStdinToTheEngine_whenOutputIsStderr() throws Exception {
        var child = launch("read x; echo \"got $x\"; echo a-log-line >&2; read y",
                ChildProcess.Output.STDERR, Map.of(), null, InstantSource.system());

        child.stdin().write("hello\n".getBytes(StandardCharsets.UTF_8));
        child.stdin().flush();
        var stdout = new BufferedReader(new InputStreamReader(child.stdout(), StandardCharsets.UTF_8));

        assertThat(stdout.readLine()).isEqualTo("got hello");
        await().atMost(LONG).until(() -> logs.tail(10).contains("a-log-line"));
        assertThat(logs.tail(10)).containsExactly("a-log-line");
    }

    @Test
    void ChildProcess_runsInItsCwdWithItsEnv() throws Exception {
        Path cwd = Files.createDirectory(tmp.resolve("work"));
        var child = launch("pwd; echo \"mark=$HEARTH_TEST_MARK\"", ChildProcess.Output.MERGED,
                Map.of("HEARTH_TEST_MARK", "yes"), cwd, InstantSource.system());

        assertThat(child.awaitExit(LONG)).isTrue();
        child.end(LONG);

        assertThat(logs.tail(10)).containsExactly(cwd.toRealPath().toString(), "mark=yes");
    }

    @Test
    void ChildProcess_killsTheTreeAfterGrace_whenItIgnoresSigterm() throws Exception {
        var child = launch("trap '' TERM; sleep 600 & echo \"grandchild $!\"; read x");
        long grandchild = numberAfter("grandchild");
        long pid = child.pid();

        List<Long> left = child.end(ofMillis(200));

        assertThat(left).isEmpty();
        assertThat(child.leftAliveText()).isEmpty();
        assertThat(ChildProcess.gone(pid)).isTrue();
        assertThat(ChildProcess.gone(grandchild)).isTrue();
        assertThat(child.exitCode()).isEqualTo("137 (killed by signal 9)");
        assertThat(child.livePid()).isEmpty();
        assertThat(file()).endsWith("model 'm' exited with code 137 (killed by signal 9) ---\n");
    }

    @Test
    void ChildProcess_endsARememberedOrphan_whenTheChildDiedFirst() throws Exception {
        var child = launch("sleep 600 & echo \"grandchild $!\"; read x");
        long grandchild = numberAfter("grandchild");
        child.remember();

        ProcessHandle.of(child.pid()).orElseThrow().destroyForcibly();
        assertThat(child.awaitExit(LONG)).isTrue();
        assertThat(ChildProcess.gone(grandchild)).as("re-parented, still running").isFalse();

        child.end(LONG);

        assertThat(ChildProcess.gone(grandchild)).isTrue();
    }

    @Test
    void ChildProcess_endsOnce_whenEndedFromSeveralThreads() throws Exception {
        var child = launch("read x");
        assertThat(child.isEnded()).isFalse();

        var ends = new ArrayList<CompletableFuture<List<Long>>>();
        for (int i = 0; i < 4; i++) {
            ends.add(CompletableFuture.supplyAsync(() -> child.end(LONG)));
        }

        ends.forEach(f -> assertThat(f.join()).isEmpty());
        assertThat(child.isEnded()).isTrue();
        assertThat(child.isAlive()).isFalse();
        assertThat(Pattern.compile("exited with code").matcher(file()).results().count()).isEqualTo(1);
    }

    @Test
    void ChildProcess_quotesOnlyItsOwnLines_whenTheBufferHoldsAnEarlierLaunchs() throws Exception {
        logs.add("from an earlier launch");
        var silent = launch("exit 0");
        assertThat(silent.awaitExit(LONG)).isTrue();
        silent.end(LONG);
        assertThat(silent.lastLinesText(20)).isEqualTo("(no output)");

        var talking = launch("echo one; echo two; echo three");
        assertThat(talking.awaitExit(LONG)).isTrue();
        talking.end(LONG);

        assertThat(talking.lastLines(20)).containsExactly("one", "two", "three");
        assertThat(talking.lastLinesText(2)).isEqualTo("two\nthree");
    }

    @Test
    void ChildProcess_explainsInBufferAndFile_whenHearthActsOnIt() throws Exception {
        var child = launch("read x");

        child.explain("stalled: killing it");
        child.end(LONG);

        assertThat(logs.tail(1).getFirst()).startsWith("--- hearth ").endsWith(": stalled: killing it ---");
        assertThat(child.lastLines(5)).hasSize(1);
        assertThat(file()).contains(": stalled: killing it ---\n");
    }

    @Test
    void ChildProcess_movesLastLineAt_whenTheChildWrites() throws Exception {
        var clock = new SettableClock(Instant.parse("2026-01-01T00:00:00Z"));
        var child = launch("read x; echo progress; read y", ChildProcess.Output.MERGED, Map.of(), null, clock);
        assertThat(child.lastLineAt()).isEqualTo(clock.now);

        clock.now = Instant.parse("2026-01-01T00:05:00Z");
        child.stdin().write("go\n".getBytes(StandardCharsets.UTF_8));
        child.stdin().flush();

        await().atMost(LONG).until(() -> child.lastLineAt().equals(clock.now));
        assertThat(logs.tail(1)).containsExactly("progress");
    }

    @Test
    void ChildProcess_throwsAndNotesIt_whenTheCommandCannotBeLaunched() {
        var spec = new ChildSpec("m", List.of("/no/such/program-xyz"), Map.of(), null, LONG, LONG,
                tmp.resolve("logs/m.log"));

        assertThatThrownBy(() -> ChildProcess.launch(spec, ChildProcess.Output.MERGED, ChildProcess.Logs.of(logs),
                InstantSource.system(), "")).isInstanceOf(IOException.class);
        assertThat(tmp.resolve("logs/m.log")).content().contains("model 'm' could not launch: ");
    }

    @Test
    void ChildSpec_replacesThePlaceholder_inArgvAndEnvValuesOnly() {
        var spec = new ChildSpec("m", List.of("srv", "--port=${PORT}"), Map.of("URL", "http://x:${PORT}/"), null,
                LONG, LONG, null).withEnv("MARK", "${PORT}-too");

        var onPort = spec.replacing("${PORT}", "4242");

        assertThat(onPort.argv()).containsExactly("srv", "--port=4242");
        assertThat(onPort.env()).containsOnly(Map.entry("URL", "http://x:4242/"), Map.entry("MARK", "4242-too"));
        assertThatThrownBy(() -> new ChildSpec("m", List.of("x"), null, null, LONG, Duration.ZERO, null))
                .hasMessage("model 'm': stopGrace must be positive, was PT0S");
    }

    /** The number after {@code prefix} in a log line, once the child has written it. */
    private long numberAfter(String prefix) {
        var pattern = Pattern.compile(Pattern.quote(prefix) + " (\\d+)");
        return await().atMost(LONG).until(
                () -> logs.tail(100).stream().map(pattern::matcher).filter(Matcher::find)
                        .map(m -> Long.parseLong(m.group(1))).findFirst().orElse(null),
                n -> n != null);
    }

    private static final class SettableClock implements InstantSource {
        volatile Instant now;

        SettableClock(Instant now) {
            this.now = now;
        }

        @Override
        public Instant instant() { return now; }
    }
}
