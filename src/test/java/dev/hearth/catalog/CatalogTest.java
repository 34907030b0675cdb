package dev.hearth.catalog;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CatalogTest {
    @TempDir
    Path dir;

    private Catalog catalog() throws Exception {
        Path file = Files.writeString(dir.resolve("hearth.yaml"), """
                models:
                  qwen:
                    engine: process
                    cmd: srv --port ${PORT}
                    memory: 1GiB
                    aliases: [gpt-4o-mini, Qwen]
                  writer:
                    engine: process
                    task: completion
                    cmd: srv --port ${PORT}
                    memory: 1GiB
                  minilm:
                    engine: onnx-embeddings
                    aliases: text-embedding-3-small
                  wan:
                    engine: testsrc
                """);
        return new Catalog(ConfigLoader.load(file, Map.of()));
    }

    @Test
    void resolve_findsAModel_byNameOrAlias() throws Exception {
        Catalog catalog = catalog();

        assertThat(catalog.resolve("qwen")).map(ModelSpec::name).contains("qwen");
        assertThat(catalog.resolve("gpt-4o-mini")).map(ModelSpec::name).contains("qwen");
        assertThat(catalog.resolve("text-embedding-3-small")).map(ModelSpec::name).contains("minilm");
    }

    @Test
    void resolve_isEmpty_forUnknownNames_andIsCaseSensitive() throws Exception {
        Catalog catalog = catalog();

        assertThat(catalog.resolve("nope")).isEmpty();
        assertThat(catalog.resolve(null)).isEmpty();
        assertThat(catalog.resolve("QWEN")).isEmpty();
        assertThat(catalog.resolve("Qwen")).map(ModelSpec::name).contains("qwen");   // an alias, not a case fold
    }

    @Test
    void all_listsModels_inFileOrder() throws Exception {
        assertThat(catalog().all()).extracting(ModelSpec::name).containsExactly("qwen", "writer", "minilm", "wan");
    }

    @Test
    void byTask_listsTheModelsThatServeIt_chatModelsIncludedForCompletion() throws Exception {
        Catalog catalog = catalog();

        assertThat(catalog.byTask(Task.CHAT)).extracting(ModelSpec::name).containsExactly("qwen");
        assertThat(catalog.byTask(Task.COMPLETION)).extracting(ModelSpec::name).containsExactly("qwen", "writer");
        assertThat(catalog.byTask(Task.EMBEDDINGS)).extracting(ModelSpec::name).containsExactly("minilm");
        assertThat(catalog.byTask(Task.VIDEO)).extracting(ModelSpec::name).containsExactly("wan");
        assertThat(catalog.byTask(Task.TRANSCRIPTION)).isEmpty();
    }

    @Test
    void catalog_refusesAConfig_whereANameResolvesToTwoModels() throws Exception {
        HearthConfig loaded = ConfigLoader.load(Files.writeString(dir.resolve("hearth.yaml"), """
                models:
                  a: { engine: testsrc }
                  b: { engine: testsrc }
                """), Map.of());
        ModelSpec a = loaded.models().get("a");
        ModelSpec b = loaded.models().get("b");
        ModelSpec bClaimingA = new ModelSpec("b", b.task(), b.engine(), java.util.List.of("a"), b.cmd(), b.env(),
                b.cwd(), b.health(), b.url(), b.path(), b.memoryBytes(), b.idleUnload(), b.pinned(), b.maxConcurrency(),
                b.maxQueue(), b.queueTimeout(), b.startTimeout(), b.stopGrace(), b.defaults(), b.port(), b.options(), null, null);
        Map<String, ModelSpec> models = new LinkedHashMap<>();
        models.put("a", a);
        models.put("b", bClaimingA);

        assertThatThrownBy(() -> new Catalog(new HearthConfig(loaded.server(), models, null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("\"a\" names both a and b");
    }

    @Test
    void presets_areListed_withTheirHealthPath() {
        assertThat(Presets.names()).containsExactly("vllm", "llama-server", "sglang");
        assertThat(Presets.all()).allSatisfy(p -> {
            assertThat(p.engine()).isEqualTo(EngineKind.PROCESS);
            assertThat(p.health()).isEqualTo("/health");
            assertThat(p.cmd()).contains("${MODEL}", "${PORT}", "${NAME}");
        });
        assertThat(Presets.find("vllm")).isPresent();
        assertThat(Presets.find("ollama")).isEmpty();
    }
}
