package dev.hearth.catalog;

import dev.hearth.config.ConfigException;
import dev.hearth.config.JobSettings;
import dev.hearth.catalog.HearthConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static dev.hearth.catalog.ConfigFiles.load;
import static dev.hearth.catalog.ConfigFiles.refused;
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
    // issue 7: the enhancer and the video model take turns in memory; a pin that forbids turns is refused
    @Test
    void load_refusesAnEnhancer_thatCannotTakeTurnsInMemory_withItsVideoModel() {
        ConfigException e = refused(dir, """
                server:
                  prompt_enhancer: writer
                  exclusive: true
                models:
                  writer:
                    engine: remote
                    url: http://127.0.0.1:9
                    pinned: true
                  video:
                    engine: testsrc
                """);

        assertThat(e.getMessage()).contains(file() + ":2: server.prompt_enhancer: writer is pinned and"
                + " server.exclusive keeps one model loaded at a time, so video could never load beside it");
    }

    @Test
    void load_refusesAPinnedVideoModel_whoseEnhancerDoesNotFitBesideIt_andAnEnhancerLargerThanTheBudget() {
        ConfigException e = refused(dir, """
                server:
                  memory_budget: 10GiB
                models:
                  small:
                    task: chat
                    engine: process
                    cmd: serve ${PORT}
                    memory: 6GiB
                  huge:
                    task: chat
                    engine: process
                    cmd: serve ${PORT}
                    memory: 12GiB
                  video:
                    engine: worker
                    cmd: work
                    memory: 5GiB
                    pinned: true
                    prompt_enhancer: small
                  other:
                    engine: testsrc
                    prompt_enhancer: huge
                """);

        assertThat(e.getMessage()).contains(file() + ":19: models.video.prompt_enhancer: video is pinned (5120MiB)"
                + " and small (6144MiB) does not fit beside it in server.memory_budget (10240MiB)")
                .contains(file() + ":22: models.other.prompt_enhancer: \"huge\" needs 12288MiB, more than the whole"
                + " server.memory_budget (10240MiB)");
    }

    @Test
    void load_acceptsAnEnhancer_thatTakesTurnsWithItsVideoModel_inExclusiveMode_orASmallBudget() {
        HearthConfig c = load(dir, """
                server:
                  prompt_enhancer: writer
                  exclusive: true
                  memory_budget: 6GiB
                models:
                  writer:
                    task: chat
                    engine: process
                    cmd: serve ${PORT}
                    memory: 4GiB
                  video:
                    engine: worker
                    cmd: work
                    memory: 4GiB
                """);

        assertThat(c.server().promptEnhancer()).isEqualTo("writer");
    }
}
