package dev.hearth.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static dev.hearth.config.ConfigFiles.load;
import static dev.hearth.config.ConfigFiles.refused;
import static org.assertj.core.api.Assertions.assertThat;

/** server.prompt_enhancer, its instructions, a video model's own prompt_enhancer, and retention_max_bytes. */
class PromptEnhancerConfigTest {
    @TempDir
    Path dir;

    private String file() {
        return dir.resolve("hearth.yaml").toString();
    }

    @Test
    void load_readsTheEnhancer_theDefaultInstructions_theModelOverride_andTheDiskCap() {
        HearthConfig c = load(dir, """
                server:
                  prompt_enhancer: writer
                  retention_max_bytes: 2GiB
                models:
                  writer:
                    engine: remote
                    url: http://127.0.0.1:9
                  video:
                    engine: testsrc
                  quiet:
                    engine: testsrc
                    prompt_enhancer: none
                """);

        assertThat(c.server().promptEnhancer()).isEqualTo("writer");
        assertThat(c.server().enhancerInstructions()).contains("camera").contains("lighting").contains("only");
        assertThat(c.server().retentionMaxBytes()).isEqualTo(2L << 30);
        assertThat(c.models().get("video").jobs().promptEnhancer()).isNull();
        assertThat(c.models().get("quiet").jobs().promptEnhancer()).isEqualTo(JobSettings.NO_ENHANCER);
    }

    @Test
    void load_takesInstructions_andNoCap_byDefault() {
        HearthConfig c = load(dir, """
                server:
                  prompt_enhancer_instructions: Make it cinematic.
                models: {}
                """);

        assertThat(c.server().enhancerInstructions()).isEqualTo("Make it cinematic.");
        assertThat(c.server().promptEnhancer()).isNull();
        assertThat(c.server().retentionMaxBytes()).isZero();
    }

    @Test
    void load_refusesAnEnhancer_thatIsNoModel_orNotAChatModel_namingFileLineAndKey() {
        ConfigException e = refused(dir, """
                server:
                  prompt_enhancer: qwen
                models:
                  video:
                    engine: testsrc
                    prompt_enhancer: other
                  other:
                    engine: testsrc
                """);

        assertThat(e.getMessage()).isEqualTo(String.join("\n",
                "2 problems in " + file(),
                file() + ":2: server.prompt_enhancer: no model named \"qwen\"; expected the name of a chat model"
                        + " under models: (or none)",
                file() + ":6: models.video.prompt_enhancer: \"other\" is a video model; the prompt enhancer must be"
                        + " a chat model"));
    }

    @Test
    void load_refusesAWrongDiskCap() {
        ConfigException e = refused(dir, """
                server:
                  retention_max_bytes: plenty
                models: {}
                """);

        assertThat(e.getMessage()).contains(file() + ":2: server.retention_max_bytes: expected a size");
    }
}
