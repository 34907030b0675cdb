package dev.hearth.engine.llamacpp;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LlamaCppCommandTest {

    @Test
    void argv_startsLlamaEngineMain_onThisJvm_withNativeAccessAndThePortPlaceholder() {
        var argv = LlamaCppCommand.argv(EngineProcess.spec("tiny", Map.of()));
        assertThat(argv.getFirst()).endsWith("java");
        assertThat(argv).contains("--enable-native-access=ALL-UNNAMED", "-Xmx256m",
                "dev.hearth.engine.llamacpp.LlamaEngineMain");
        String classPath = argv.get(argv.indexOf("-cp") + 1);
        assertThat(classPath.split(java.io.File.pathSeparator))
                .allSatisfy(entry -> assertThat(java.nio.file.Path.of(entry)).isAbsolute())
                .anySatisfy(entry -> assertThat(entry).endsWith("target/classes"));
        assertThat(argv).containsSubsequence("--model", EngineProcess.STORIES.toString())
                .containsSubsequence("--port", "${PORT}")
                .containsSubsequence("--name", "tiny")
                .doesNotContain("--ctx-size", "--threads");
    }

    @Test
    void argv_passesCtxSizeAndThreads_fromOptions() {
        var argv = LlamaCppCommand.argv(EngineProcess.spec("tiny", Map.of("ctx_size", 2048, "threads", 4)));
        assertThat(argv).containsSubsequence("--ctx-size", "2048").containsSubsequence("--threads", "4");
    }

    @Test
    void argv_refusesABadOption_namingModelAndKey() {
        assertThatThrownBy(() -> LlamaCppCommand.argv(EngineProcess.spec("tiny", Map.of("threads", "many"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("model 'tiny': options.threads must be a positive integer, got many");
    }
}
