package dev.hearth.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.HttpClients;
import dev.hearth.Json;
import dev.hearth.catalog.ConfigLoader;
import dev.hearth.catalog.ModelSpec;
import dev.hearth.engine.Engine;
import dev.hearth.engine.Engines;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code hearth bench --yardstick engines}: Hearth's own llamacpp engine against llama.cpp's
 * {@code llama-server} on the same GGUF and threads, one request at a time, measured the same way
 * from the client: prompt tok/s = prompt tokens / time to first token, generation tok/s = further
 * tokens / the time after the first. Both engines are started here, each alone on the machine.
 */
final class EngineYardstick {
    private static final String PROMPT = ("Once upon a time there was a little dog named Max who lived in a small"
            + " house by the river with a kind old woman. Every morning Max ran to the water to look at the ducks. ")
            .repeat(3);

    private final HttpClient http = HttpClients.engine(Duration.ofSeconds(10));
    private final StreamLoad load = new StreamLoad();

    void run(Path dir, Path gguf, int threads, Path llamaServer, int maxTokens, int requests) throws Exception {
        if (!Files.isExecutable(llamaServer) && llamaServer.getNameCount() > 1) {
            throw new IllegalArgumentException("no llama-server at " + llamaServer + " (bin/build-llama-server builds one)");
        }
        Path yaml = dir.resolve("yardstick.yaml");
        Files.writeString(yaml, """
                server: { listen: 127.0.0.1:0, data_dir: %1$s }
                models:
                  hearth-llamacpp:
                    engine: llamacpp
                    path: %2$s
                    options: { threads: %3$d }
                  llama-server:
                    engine: process
                    memory: 1GiB
                    cmd: %4$s -m %2$s --host 127.0.0.1 --port ${PORT} --alias llama-server -t %3$d -c 2048 -np 1
                """.formatted(dir.resolve("data"), gguf.toAbsolutePath(), threads, llamaServer));
        var config = ConfigLoader.load(yaml, Map.of());
        int rounds = Math.max(4, requests / 8);
        System.out.printf(Locale.ROOT, "engines: %s, %d threads, %d cores, max_tokens %d, %d requests each,"
                        + " prompt of %d characters%n%n%-16s %12s %12s %14s %14s%n", gguf.getFileName(), threads,
                Runtime.getRuntime().availableProcessors(), maxTokens, rounds, PROMPT.length(),
                "engine", "prompt tok", "prompt tok/s", "gen tok/s p50", "ttft p50");
        for (String name : List.of("hearth-llamacpp", "llama-server")) {
            ModelSpec spec = config.models().get(name);
            Engine engine = new Engines(dir.resolve(name)).create(spec);
            engine.start();
            try {
                URI url = engine.endpoint().httpUrl().resolve("/v1/chat/completions");
                int promptTokens = promptTokens(url, name);
                load.one(url, name, 8, 0, PROMPT); // warm
                List<Double> gen = new ArrayList<>();
                List<Double> ttft = new ArrayList<>();
                for (int i = 0; i < rounds; i++) {
                    // a fresh prompt each time: llama-server would otherwise answer the prompt from its cache
                    StreamLoad.Sample s = load.one(url, name, maxTokens, i, "Story " + i + ". " + PROMPT);
                    if (s.tokens() < 2) throw new IllegalStateException(name + " answered " + s.tokens() + " tokens");
                    ttft.add(s.ttftNanos() / 1e6);
                    gen.add((s.tokens() - 1) / ((s.totalNanos() - s.ttftNanos()) / 1e9));
                }
                double ttftMs = median(ttft);
                System.out.printf(Locale.ROOT, "%-16s %12d %12.0f %14.0f %12.2fms%n", name, promptTokens,
                        promptTokens / (ttftMs / 1e3), median(gen), ttftMs);
            } finally {
                engine.stop();
            }
        }
    }

    /** The prompt's token count as the engine reports it in a whole answer's usage. */
    private int promptTokens(URI url, String model) throws Exception {
        String body = Json.MAPPER.writeValueAsString(Map.of("model", model, "max_tokens", 1, "temperature", 0,
                "messages", List.of(Map.of("role", "user", "content", PROMPT))));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(url).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode usage = Json.MAPPER.readTree(r.body()).path("usage");
        return usage.path("prompt_tokens").asInt();
    }

    private static double median(List<Double> xs) {
        List<Double> s = xs.stream().sorted().toList();
        return s.get(s.size() / 2);
    }
}
