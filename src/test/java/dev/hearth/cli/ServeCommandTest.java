package dev.hearth.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ServeCommandTest {
    @TempDir
    Path dir;

    @Test
    void serve_refusesABadConfig_withFileLineAndKey_andExitCode2() throws Exception {
        Path yaml = Files.writeString(dir.resolve("hearth.yaml"), """
                server:
                  listen: 127.0.0.1:0
                models:
                  qwen:
                    engine: process
                    cmd: vllm serve Qwen/Qwen2.5-7B-Instruct --port ${PORT}
                    memory: lots
                """);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream old = System.err;
        int code;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code = new CommandLine(new HearthCommand()).execute("serve", "--config", yaml.toString());
        } finally {
            System.setErr(old);
        }

        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("1 problem in " + yaml)
                .contains("hearth.yaml:7: models.qwen.memory: expected a size like 40GiB or 512MiB, got \"lots\"");
    }

    /** Runs `hearth args…` in this JVM, returning its exit code, stdout and stderr. */
    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code = new CommandLine(new HearthCommand()).execute(args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void serve_onABusyPort_saysSoInOneLine_exitsNonZero_andStartsNothing() throws Exception {
        Path data = dir.resolve("data");
        Path yaml = Files.writeString(dir.resolve("hearth.yaml"), """
                server:
                  data_dir: %s
                models:
                  testsrc:
                    engine: testsrc
                """.formatted(data));
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();

            Run r = run("serve", "--config", yaml.toString(), "--listen", "127.0.0.1:" + port);

            assertThat(r.code()).isEqualTo(1);
            assertThat(r.err().strip()).isEqualTo("127.0.0.1:" + port
                    + " is in use; set HEARTH_LISTEN or --listen (or server.listen in hearth.yaml)");
            assertThat(r.out()).doesNotContain("Hearth is serving");
            assertThat(data).as("nothing started: not even the data dir was made").doesNotExist();
        }
    }

    @Test
    void help_onEverySubcommand_printsItsUsage_andExitsZero() {
        for (String command : List.of("serve", "health", "models", "bench", "pull", "jobs", "service")) {
            Run r = run(command, "--help");

            assertThat(r.code()).as(command).isZero();
            assertThat(r.out()).as(command).startsWith("Usage: hearth " + command);
            assertThat(r.err()).as(command).isEmpty();
        }
        Run top = run("--help");
        assertThat(top.code()).isZero();
        assertThat(top.out()).containsPattern("\\n\\s+pull\\s").containsPattern("\\n\\s+jobs\\s")
                .containsPattern("\\n\\s+service\\s");
        for (String[] sub : new String[][] {{"jobs", "submit"}, {"jobs", "list"}, {"service", "install"}}) {
            Run r = run(sub[0], sub[1], "--help");
            assertThat(r.code()).as(String.join(" ", sub)).isZero();
            assertThat(r.out()).startsWith("Usage: hearth " + sub[0] + " " + sub[1]);
        }
        assertThat(HearthCommand.keepsRunning(new String[] {"serve", "--help"}))
                .as("`serve --help` ends the JVM like any other command").isFalse();
    }

    @Test
    void serve_refusesAMissingOrEmptyKeysFile_withAMessageNotAStackTrace() throws Exception {
        Path yaml = Files.writeString(dir.resolve("hearth.yaml"), "server:\n  listen: 127.0.0.1:0\n  api_keys_file: keys\n");
        Run missing = run("serve", "--config", yaml.toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("hearth.yaml:3: server.api_keys_file: file not found: " + dir.resolve("keys"))
                .doesNotContain("Exception").doesNotContain("\tat ");

        Files.writeString(dir.resolve("keys"), "# no key yet\n");
        Run empty = run("serve", "--config", yaml.toString());
        assertThat(empty.code()).isEqualTo(2);
        assertThat(empty.err()).contains(dir.resolve("keys") + ": holds no API key").doesNotContain("Exception");
    }
}
