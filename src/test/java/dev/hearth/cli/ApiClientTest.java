package dev.hearth.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Which Hearth the CLI's commands talk to: --url, else HEARTH_URL, else where `serve` would listen. */
class ApiClientTest {
    @TempDir
    Path dir;

    @Test
    void target_isTheUrlOption_thenHearthUrl_thenHearthListen_thenTheConfig_thenTheDefault() throws Exception {
        Path yaml = Files.writeString(dir.resolve("hearth.yaml"), "server:\n  listen: 127.0.0.1:7001\n");
        Map<String, String> all = Map.of("HEARTH_URL", "http://10.0.0.5:8009/", "HEARTH_LISTEN", "127.0.0.1:18601");

        assertThat(ApiClient.target("http://box:9", yaml, all))
                .isEqualTo(new ApiClient.Target("http://box:9", "--url"));
        assertThat(ApiClient.target(null, yaml, all))
                .isEqualTo(new ApiClient.Target("http://10.0.0.5:8009", "HEARTH_URL"));
        assertThat(ApiClient.target(null, yaml, Map.of("HEARTH_LISTEN", "127.0.0.1:18601")))
                .isEqualTo(new ApiClient.Target("http://127.0.0.1:18601", "HEARTH_LISTEN"));
        assertThat(ApiClient.target(null, yaml, Map.of()))
                .isEqualTo(new ApiClient.Target("http://127.0.0.1:7001", "server.listen in " + yaml));
        assertThat(ApiClient.target(null, dir.resolve("absent.yaml"), Map.of()))
                .isEqualTo(new ApiClient.Target("http://127.0.0.1:8009", "the default"));
    }
}
