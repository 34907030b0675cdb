package dev.hearth.engine.command;

import dev.hearth.EngineException;
import dev.hearth.catalog.ConfigLoader;
import dev.hearth.catalog.ModelSpec;
import dev.hearth.engine.CommandTimeoutException;
import dev.hearth.engine.Endpoint;
import dev.hearth.engine.process.ChildProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The command engine on real processes: argv without a shell, stdout or ${OUTPUT}, timeouts, failures. */
class CommandEngineTest {
    /** A run whose client stays. */
    private static final CompletableFuture<Void> NEVER = new CompletableFuture<>();

    @TempDir
    Path dir;

    private CommandEngine engine(String task, String cmd, String more) throws Exception {
        Path yaml = dir.resolve("hearth.yaml");
        Files.writeString(yaml, "models:\n  m:\n    task: " + task + "\n    engine: command\n    cmd: '" + cmd + "'\n"
                + "    stop_grace: 0\n" + more);
        ModelSpec spec = ConfigLoader.load(yaml, Map.of()).models().get("m");
        var engine = new CommandEngine(spec, dir.resolve("logs/m.log"), "HEARTH_TEST_MARK", "x");
        engine.start();
        return engine;
    }

    @Test
    void run_passesAPlaceholderAsOneArgument_whenItHoldsShellSyntax() throws Exception {
        var engine = engine("transcription", "printf %s|%s ${PROMPT} ${INPUT}", "");
        Path input = Files.writeString(dir.resolve("in.wav"), "x");
        Path out = engine.run(dir, input, Map.of("PROMPT", "a; touch " + dir.resolve("pwned") + " && $(id)"), NEVER);
        assertThat(Files.readString(out)).isEqualTo("a; touch " + dir.resolve("pwned") + " && $(id)|" + input);
        assertThat(dir.resolve("pwned")).doesNotExist();
        assertThat(engine.endpoint()).isInstanceOf(Endpoint.Command.class);
    }

    @Test
    void run_readsOutputFile_andLogsStderr_whenTheCommandWritesOutput() throws Exception {
        var engine = engine("speech", "sh -c \"cp $0 $1; echo said it >&2\" ${INPUT} ${OUTPUT}", "");
        Path input = Files.writeString(dir.resolve("in.txt"), "RIFF");
        Path out = engine.run(dir, input, Map.of(), NEVER);
        assertThat(out.getFileName().toString()).isEqualTo("output.wav");
        assertThat(Files.readString(out)).isEqualTo("RIFF");
        assertThat(engine.logs().tail(10)).contains("said it");
        assertThat(Files.readString(dir.resolve("logs/m.log"))).contains("said it");
    }

    @Test
    void run_killsTheProcessTree_whenItOutlivesRunTimeout() throws Exception {
        // the shell starts a grandchild and prints its pid; both must be gone after the timeout
        var engine = engine("ocr", "sh -c \"sleep 600 & echo child $! >&2; wait\" ${INPUT}", "    run_timeout: 1s\n");
        Path input = Files.writeString(dir.resolve("in.png"), "x");
        assertThatThrownBy(() -> engine.run(dir, input, Map.of(), NEVER))
                .isInstanceOf(CommandTimeoutException.class)
                .hasMessageContaining("took longer than its run_timeout (1s)");
        Matcher m = Pattern.compile("child (\\d+)").matcher(String.join("\n", engine.logs().tail(20)));
        assertThat(m.find()).isTrue();
        assertThat(ChildProcess.gone(Long.parseLong(m.group(1)))).isTrue();
        assertThat(engine.logs().tail(20)).anyMatch(l -> l.contains("killing its process tree"));
    }

    @Test
    void run_killsTheProcessTree_whenItsClientGoesAway() throws Exception {
        var engine = engine("ocr", "sh -c \"sleep 600 & echo child $! >&2; wait\" ${INPUT}", "");
        Path input = Files.writeString(dir.resolve("in.png"), "x");
        var gone = new CompletableFuture<Void>();
        var run = CompletableFuture.supplyAsync(() -> engine.run(dir, input, Map.of(), gone));
        Pattern child = Pattern.compile("child (\\d+)");
        String line = await().atMost(Duration.ofSeconds(30)).until(
                () -> String.join("\n", engine.logs().tail(20)), l -> child.matcher(l).find());
        gone.complete(null);
        assertThatThrownBy(() -> run.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(CancellationException.class);
        Matcher m = child.matcher(line);
        assertThat(m.find()).isTrue();
        assertThat(ChildProcess.gone(Long.parseLong(m.group(1)))).isTrue();
        assertThat(engine.logs().tail(20)).anyMatch(l -> l.contains("the client went away; ending this run"));
    }

    @Test
    void run_failsWithTheLastStderrLine_whenTheCommandExitsNonZero() throws Exception {
        var engine = engine("ocr", "sh -c \"echo bad image >&2; exit 3\" ${INPUT}", "");
        Path input = Files.writeString(dir.resolve("in.png"), "x");
        assertThatThrownBy(() -> engine.run(dir, input, Map.of(), NEVER))
                .isInstanceOf(EngineException.class)
                .hasMessageContaining("failed (exit code 3): bad image")
                .hasMessageContaining("/api/models/m/logs");
    }

    @Test
    void start_fails_whenTheProgramDoesNotExist() throws Exception {
        assertThatThrownBy(() -> engine("ocr", "no-such-ocr-program ${INPUT}", ""))
                .isInstanceOf(EngineException.class)
                .hasMessageContaining("program 'no-such-ocr-program' is not an executable file on PATH");
    }
}
