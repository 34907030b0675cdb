package dev.hearth.config;

import dev.hearth.catalog.HearthConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static dev.hearth.catalog.ConfigFiles.load;
import static dev.hearth.catalog.ConfigFiles.refused;
import static org.assertj.core.api.Assertions.assertThat;

/** connect_timeout, first_byte_timeout and chunk_timeout: per model, defaulting to the server's, then to Defaults. */
class ProxyTimeoutsConfigTest {
    @TempDir
    Path dir;

    @Test
    void load_givesEveryModelTheServersProxyTimeouts_unlessItsEntrySetsItsOwn() {
        HearthConfig config = load(dir, """
                server:
                  first_byte_timeout: 20m
                  chunk_timeout: 0
                models:
                  plain: { url: "http://10.0.0.5:8000" }
                  quick:
                    url: http://10.0.0.6:8000
                    connect_timeout: 2s
                    first_byte_timeout: 30s
                    chunk_timeout: 500ms
                """);

        assertThat(config.server().proxyTimeouts()).isEqualTo(
                new ProxyTimeouts(Duration.ofSeconds(10), Duration.ofMinutes(20), Duration.ZERO));
        assertThat(config.models().get("plain").proxy()).isEqualTo(config.server().proxyTimeouts());
        assertThat(config.models().get("quick").proxy()).isEqualTo(
                new ProxyTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(30), Duration.ofMillis(500)));
    }

    @Test
    void load_defaultsProxyTimeouts_forLongVllmPrompts() {
        HearthConfig config = load(dir, "models:\n  far: { url: \"http://10.0.0.5:8000\" }\n");

        assertThat(config.models().get("far").proxy()).isEqualTo(ProxyTimeouts.DEFAULTS);
        assertThat(ProxyTimeouts.DEFAULTS).isEqualTo(
                new ProxyTimeouts(Duration.ofSeconds(10), Duration.ofMinutes(10), Duration.ofMinutes(2)));
    }

    @Test
    void load_namesTheModelAndKey_whenAProxyTimeoutIsWrong() {
        ConfigException e = refused(dir, """
                models:
                  far:
                    url: http://10.0.0.5:8000
                    connect_timeout: 0
                    first_byte_timeout: forever
                """);
        String file = dir.resolve("hearth.yaml").toString();

        assertThat(e.getMessage()).isEqualTo(String.join("\n", "2 problems in " + file,
                file + ":4: models.far.connect_timeout: expected a duration greater than 0 like 10m or 90s, got \"0\"",
                file + ":5: models.far.first_byte_timeout: expected a duration like 30m, 15s, 2h, 7d or 500ms"
                        + " (a plain number is seconds), got \"forever\""));
    }
}
