package dev.hearth.engine;

import dev.hearth.catalog.Task;
import dev.hearth.catalog.ModelSpec;
import dev.hearth.engine.process.ChildSpec;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProcessSpecTest {

    @Test
    void shell_runsACompoundCommandAsWritten_soItsExitCodeIsTheLastCommands() {
        assertThat(ProcessSpec.shell("cd /opt/x && ./serve --port ${PORT}"))
                .containsExactly("/bin/sh", "-c", "cd /opt/x && ./serve --port ${PORT}");
        assertThat(ProcessSpec.shell("echo hi; exit 3")).containsExactly("/bin/sh", "-c", "echo hi; exit 3");
    }

    @Test
    void ProcessSpec_execsCommandThroughShell_whenGivenYamlCmd() {
        assertThat(ProcessSpec.shell("vllm serve x --port ${PORT}"))
                .containsExactly("/bin/sh", "-c", "exec vllm serve x --port ${PORT}");
    }

    @Test
    void ProcessSpec_replacesPort_inArgvAndEnvValues() {
        var spec = new ProcessSpec(new ChildSpec("m", List.of("srv", "--port=${PORT}"), Map.of("URL", "http://x:${PORT}/"),
                null, Duration.ofSeconds(1), Duration.ofSeconds(1), null), "/health");

        assertThat(spec.forPort(4242).argv()).containsExactly("srv", "--port=4242");
        assertThat(spec.forPort(4242).env()).containsExactly(Map.entry("URL", "http://x:4242/"));
    }

    @Test
    void ProcessSpec_comesFromModelSpec_withModelNameAndLogFile() {
        var model = new ModelSpec("qwen", Task.CHAT, dev.hearth.catalog.EngineKind.PROCESS, List.of(),
                "vllm serve ${MODEL} --port ${PORT}", Map.of("A", "b"), null, null, null, null, 1L << 30,
                Duration.ofMinutes(15), false, 1, 10, Duration.ofSeconds(30), Duration.ofMinutes(10),
                Duration.ofSeconds(10), Map.of(), null, Map.of(), null, null);

        var spec = ProcessSpec.of(model, Path.of("data/logs"));

        assertThat(spec.child().argv()).containsExactly("/bin/sh", "-c", "exec vllm serve qwen --port ${PORT}");
        assertThat(spec.healthPath()).isEqualTo("/health");
        assertThat(spec.child().logFile()).isEqualTo(Path.of("data/logs/qwen.log"));
        assertThat(spec.child().env()).containsEntry("A", "b");
    }

    @Test
    void ProcessSpec_refusesWithModelName_whenFieldsAreBad() {
        var ok = new ChildSpec("m", List.of("x"), Map.of(), null, Duration.ofSeconds(1), Duration.ofSeconds(1), null);
        assertThatThrownBy(() -> new ChildSpec("m", List.of(), Map.of(), null,
                Duration.ofSeconds(1), Duration.ofSeconds(1), null)).hasMessageContaining("model 'm': empty command");
        assertThatThrownBy(() -> new ProcessSpec(ok, "health")).hasMessageContaining("must start with '/'");
        assertThatThrownBy(() -> new ChildSpec("m", List.of("x"), Map.of(), null,
                Duration.ZERO, Duration.ofSeconds(1), null)).hasMessageContaining("model 'm': startTimeout must be positive");
    }

    @Test
    void Text_writesDurationsReadably_inMessages() {
        assertThat(Text.human(Duration.ofSeconds(2))).isEqualTo("2s");
        assertThat(Text.human(Duration.ofMinutes(10))).isEqualTo("10m");
        assertThat(Text.human(Duration.ofHours(1))).isEqualTo("1h");
        assertThat(Text.human(Duration.ofMillis(1500))).isEqualTo("1500ms");
    }
}
