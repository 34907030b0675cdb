package dev.hearth.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Regression: a second `hearth serve` on a data dir a live Hearth uses stopped the first one's
 * engines as "left running by an earlier Hearth"; and `hearth health` talked to the Hearth on 8009
 * whatever HEARTH_LISTEN said. Both run as real child JVMs, as a user runs them.
 */
class OneHearthPerDataDirTest {
    @TempDir
    Path dir;

    private Path config() throws Exception {
        return Files.writeString(dir.resolve("hearth.yaml"), """
                server:
                  listen: 127.0.0.1:0
                  data_dir: %s
                models:
                  testsrc:
                    engine: testsrc
                """.formatted(dir.resolve("data")));
    }

    @Test
    void secondServe_onADataDirALiveHearthHolds_refusesNamingIt_andLeavesItsEnginesRunning() throws Exception {
        Path config = config();
        try (HearthProcess first = new HearthProcess(config, dir.resolve("first.log"))) {
            HttpResponse<String> load = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    first.base.resolve("/api/models/testsrc/load")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(load.statusCode()).as(load.body()).isEqualTo(200);
            List<ProcessHandle> engines = first.process.descendants().toList();
            assertThat(engines).as("the testsrc worker runs as a child of the first Hearth").isNotEmpty();

            HearthProcess.Finished second = HearthProcess.run(dir.resolve("second.log"), Map.of(),
                    "serve", "--config", config.toString());

            assertThat(second.code()).as(second.output()).isEqualTo(1);
            assertThat(second.output()).contains("the data dir " + dir.resolve("data") + " is in use by another Hearth (pid "
                    + first.process.pid() + ", serving on " + first.base + ")");
            assertThat(second.output()).doesNotContain("left running by an earlier Hearth")
                    .doesNotContain("Exception");
            assertThat(engines).as("the first Hearth's engines are untouched").allMatch(ProcessHandle::isAlive);
            HttpResponse<String> models = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    first.base.resolve("/api/models")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(models.body()).contains("\"state\":\"ready\"");
        }
    }

    @Test
    void health_talksToTheHearthThatHearthListenNames_notTheDefaultPort() throws Exception {
        try (HearthProcess hearth = new HearthProcess(config(), dir.resolve("serve.log"))) {
            URI base = hearth.base;

            HearthProcess.Finished health = HearthProcess.run(dir.resolve("health.log"),
                    Map.of("HEARTH_LISTEN", base.getHost() + ":" + base.getPort()), "health");

            assertThat(health.code()).as(health.output()).isZero();
            assertThat(health.output()).contains("at http://127.0.0.1:" + base.getPort() + ": up").contains("testsrc");
        }
    }

    @Test
    void health_whenNothingAnswers_namesTheAddressAndTheSettingItCameFrom() throws Exception {
        int closed;
        try (var s = new java.net.ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        HearthProcess.Finished health = HearthProcess.run(dir.resolve("health.log"),
                Map.of("HEARTH_LISTEN", "127.0.0.1:" + closed), "health");

        assertThat(health.code()).isEqualTo(1);
        assertThat(health.output().strip()).isEqualTo("Hearth is not answering at http://127.0.0.1:" + closed
                + " (from HEARTH_LISTEN); is `./hearth serve` running there? Use --url or HEARTH_URL to reach another one.");
    }
}
