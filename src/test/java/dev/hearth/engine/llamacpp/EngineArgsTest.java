package dev.hearth.engine.llamacpp;

import dev.hearth.engine.process.JavaCommand;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.ParameterException;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class EngineArgsTest {
    private static final String MODEL = EngineProcess.STORIES.toString();

    @Test
    void parse_readsTheArgvLlamaCppCommandWrites() {
        List<String> argv = LlamaCppCommand.argv(EngineProcess.spec("tiny", Map.of("ctx_size", 2048, "threads", 4)));
        String[] flags = argv.subList(argv.indexOf(LlamaEngineMain.class.getName()) + 1, argv.size()).stream()
                .map(a -> a.replace(LlamaCppCommand.PORT, "8123")).toArray(String[]::new);

        assertThat(EngineArgs.parse(flags))
                .isEqualTo(new EngineArgs(EngineProcess.STORIES, "127.0.0.1", 8123, 2048, 4, "tiny"));
    }

    @Test
    void parse_usesTheDefaults_whenOnlyModelAndPortAreGiven() {
        assertThat(EngineArgs.parse("--model", MODEL, "--port", "0"))
                .isEqualTo(new EngineArgs(EngineProcess.STORIES, "127.0.0.1", 0, EngineArgs.DEFAULT_CTX_SIZE, 0,
                        "stories260K"));
    }

    @Test
    void parse_takesEveryFlag_andTheLastOfARepeatedOne() {
        // a model name may start with a dash: hearth.yaml allows it
        assertThat(EngineArgs.parse("--host", "0.0.0.0", "--port", "1", "--port", "2", "--model", MODEL,
                "--ctx-size", "16", "--threads", "1024", "--name", "-n"))
                .isEqualTo(new EngineArgs(EngineProcess.STORIES, "0.0.0.0", 2, 16, 1024, "-n"));
    }

    @Test
    void parse_refusesAMissingOrBadFlag_namingIt() {
        assertRefused("--model is required", List.of("--port", "1"), "--model");
        assertRefused("--port is required", List.of("--model", MODEL), "--port");
        assertRefused("a value is missing", List.of("--model", MODEL, "--port"), "--port");
        assertRefused("unknown flag", List.of("--model", MODEL, "--port", "1", "--gpu", "0"), "--gpu");
        assertRefused("not a number", List.of("--model", MODEL, "--port", "x"), "--port", "'x'");
        assertRefused("port out of range", List.of("--model", MODEL, "--port", "65536"),
                "--port must be between 0 and 65535: 65536");
        assertRefused("ctx-size out of range", List.of("--model", MODEL, "--port", "1", "--ctx-size", "8"),
                "--ctx-size must be between 16 and 1048576: 8");
        assertRefused("negative threads", List.of("--model", MODEL, "--port", "1", "--threads", "-1"),
                "--threads must be between 0 and 1024: -1");
    }

    @Test
    void main_exitsWithUsage_onABadFlag() throws Exception {
        // the process engine shows the child's output when it exits during a start: it must say why
        List<String> argv = new ArrayList<>(JavaCommand.of(LlamaEngineMain.class));
        argv.addAll(List.of("--model", MODEL, "--port", "many"));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        await().atMost(Duration.ofSeconds(30)).until(() -> !p.isAlive());

        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(output).startsWith("hearth-llamacpp: Invalid value for option '--port': 'many' is not an int")
                .contains("Usage: hearth-llamacpp --model=PATH --port=N");
    }

    private static void assertRefused(String why, List<String> args, String... messageParts) {
        assertThatThrownBy(() -> EngineArgs.parse(args.toArray(String[]::new)))
                .as(why)
                .isInstanceOf(ParameterException.class)
                .message().contains(messageParts);
    }
}
