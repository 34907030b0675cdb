package dev.hearth.engine;

import dev.hearth.EngineException;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.InstantSource;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The remote engine against a {@link TinyServer} started by the test. */
class RemoteEngineTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static RemoteEngine remote(URI url, Duration startTimeout) {
        return new RemoteEngine("far", url, "/health", startTimeout, HTTP,
                ofMillis(50), InstantSource.system());
    }

    @Test
    void RemoteEngine_becomesReadyAndStopLeavesServerUp_whenServerAnswers() throws Exception {
        try (var server = TinyServer.start("--delay-ready-ms", "300")) {
            URI url = URI.create("http://127.0.0.1:" + server.port() + "/");
            var engine = remote(url, ofSeconds(30));

            engine.start();
            engine.stop();

            assertThat(engine.baseUrl()).isEqualTo(URI.create("http://127.0.0.1:" + server.port()));
            assertThat(engine.crashed()).isNotDone();
            var health = HTTP.send(
                    HttpRequest.newBuilder(URI.create(url + "health")).build(), HttpResponse.BodyHandlers.discarding());
            assertThat(health.statusCode()).isEqualTo(200);
        }
    }

    @Test
    void RemoteEngine_fallsBackToV1Models_whenHealthIs404() throws Exception {
        try (var server = TinyServer.start("--no-health")) {
            var engine = remote(URI.create("http://127.0.0.1:" + server.port()), ofSeconds(30));

            engine.start();

            assertThat(engine.logs().tail(1)).singleElement().asString().contains("/v1/models answered 200");
        }
    }

    @Test
    void RemoteEngine_failsNamingUrlAndRefusal_whenPortIsClosed() {
        int closed = PortPicker.loopback().pick();
        var engine = remote(URI.create("http://127.0.0.1:" + closed), ofSeconds(1));

        assertThatThrownBy(engine::start)
                .isInstanceOf(EngineException.class)
                .hasMessageContaining("Remote engine for model 'far' at http://127.0.0.1:" + closed + " is not ready after 1s")
                .hasMessageContaining("GET http://127.0.0.1:" + closed + "/health: connection refused");
    }

    @Test
    void RemoteEngine_failsNamingStatus_whenServerNeverReady() throws Exception {
        try (var server = TinyServer.start("--delay-ready-ms", "600000")) {
            var engine = remote(URI.create("http://127.0.0.1:" + server.port()), ofSeconds(1));

            assertThatThrownBy(engine::start)
                    .isInstanceOf(EngineException.class)
                    .hasMessageEndingWith("/health: HTTP 503");
        }
    }
}
