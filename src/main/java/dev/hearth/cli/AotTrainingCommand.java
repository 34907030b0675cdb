package dev.hearth.cli;

import dev.hearth.HttpClients;
import dev.hearth.app.Hearth;
import dev.hearth.catalog.ConfigLoader;
import dev.hearth.config.ServerSection;
import picocli.CommandLine.Command;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The training run of the start-up cache (JDK 25's AOT cache, see the {@code hearth} launcher):
 * starts Hearth as {@code hearth serve} would, with the embedded default models, on a free loopback
 * port and the data dir of {@code HEARTH_DATA_DIR} (the launcher gives a temporary one), asks what a
 * first visit asks, and stops. The JVM then writes every class this loaded and linked into the cache.
 * No engine starts: only the gateway's own routes are called.
 */
@Command(name = "aot-training", hidden = true,
        description = "Start Hearth, answer a few requests and stop: the training run of the launcher's start-up cache.")
final class AotTrainingCommand implements Callable<Integer> {

    /** What a first visit asks: health checks, the model lists, the UI, an error envelope. */
    private static final List<String> GETS = List.of("/health", "/ready", "/info", "/v1/models", "/api/models",
            "/metrics", "/", "/openapi.json");

    @Override
    public Integer call() throws Exception {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put(ServerSection.LISTEN_OPTION, "127.0.0.1:0");
        try (Hearth hearth = Hearth.start(ConfigLoader.load(null, env))) {
            HttpClient http = HttpClients.engine(Duration.ofSeconds(5));
            URI base = hearth.baseUri();
            for (String path : GETS) {
                http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30)).build(),
                        HttpResponse.BodyHandlers.discarding());
            }
            // a chat request refused before any engine: the body's parse and the error envelope
            http.send(HttpRequest.newBuilder(base.resolve("/v1/chat/completions")).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"model\":\"no-such-model\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                    .build(), HttpResponse.BodyHandlers.discarding());
        }
        return 0;
    }
}
