package dev.hearth.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

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
}
