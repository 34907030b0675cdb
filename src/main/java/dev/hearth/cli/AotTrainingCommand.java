package dev.hearth.cli;

import dev.hearth.app.Hearth;
import dev.hearth.catalog.ConfigLoader;
import dev.hearth.config.ServerSection;
import picocli.CommandLine.Command;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The training run of the start-up cache (JDK 25's AOT cache, see the {@code hearth} launcher):
 * starts Hearth as {@code hearth serve} would, with the embedded default models, on a free loopback
 * port, with SQLite in the data dir of {@code HEARTH_DATA_DIR} (the launcher gives a temporary one),
 * asks what a first visit asks, and stops. The JVM then writes every class this loaded and linked
 * into the cache.
 * No engine starts: only the gateway's own routes are called.
 */
@Command(name = "aot-training", hidden = true,
        description = "Start Hearth, answer a few requests and stop: the training run of the launcher's start-up cache.")
final class AotTrainingCommand implements Callable<Integer> {

    /**
     * What a first visit asks: health checks, the model lists, the UI's page, metrics. Not the OpenAPI
     * document: its YAML parser would be loaded at every start for a page that few starts serve.
     */
    private static final List<String> GETS = List.of("/health", "/ready", "/info", "/v1/models", "/api/models",
            "/metrics", "/");

    @Override
    public Integer call() throws Exception {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put(ServerSection.LISTEN_OPTION, "127.0.0.1:0");
        // never the user's database: a training run on a shared PostgreSQL would act as one more node
        env.put("HEARTH_DATABASE", "sqlite");
        try (Hearth hearth = Hearth.start(ConfigLoader.load(null, env))) {
            for (String path : GETS) {
                ask(hearth.port(), "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
            }
            // a chat request refused before any engine: the body's parse and the error envelope
            String chat = "{\"model\":\"no-such-model\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            ask(hearth.port(), "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + chat.length() + "\r\n\r\n" + chat);
        }
        return 0;
    }

    /**
     * One request on its own connection, read to the end. A plain socket, not the JDK's HTTP client:
     * the cache holds what the training run loaded, and every start loads the cache's classes, so
     * the client's own (TLS included) would cost each start without serving it.
     */
    private static void ask(int port, String request) throws java.io.IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            s.getInputStream().transferTo(OutputStream.nullOutputStream());
        }
    }
}
