package dev.hearth.cli;

import dev.hearth.app.Hearth;
import dev.hearth.catalog.ConfigLoader;
import dev.hearth.catalog.HearthConfig;
import dev.hearth.catalog.ModelSpec;
import dev.hearth.engine.Engines;
import dev.hearth.engine.Engine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * `hearth bench`: streaming chat straight to a llamacpp engine versus through Hearth, side by side
 * from one run, plus cold start: first request → first token through Hearth versus the engine's own
 * start-to-ready time. Starts everything it measures itself; needs nothing running.
 */
@Command(name = "bench", description = "Measure Hearth's overhead against a direct engine (see BENCHMARKS.md).")
final class BenchCommand implements Callable<Integer> {

    @Option(names = "--model", description = "GGUF to serve (default: ../shared/models/stories260K.gguf)")
    Path model = Path.of("../shared/models/stories260K.gguf");

    @Option(names = "--clients", split = ",", description = "concurrency levels (default: 1,16,64)")
    List<Integer> clients = List.of(1, 16, 64);

    @Option(names = "--requests", description = "requests per level, at least 2 per client (default: 128)")
    int requests = 128;

    @Option(names = "--max-tokens", description = "tokens per answer (default: 64)")
    int maxTokens = 64;

    @Option(names = "--cold-runs", description = "cold starts to measure (default: 3)")
    int coldRuns = 3;

    @Option(names = "--storm", description = "instead: serve --clients (first level) alone, then while this many"
            + " clients retry another model's 429 at once")
    int storm = 0;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(model)) {
            System.err.println("bench: no model at " + model + " (pass --model FILE.gguf)");
            return 2;
        }
        quietLogs(); // the table is the output; load/unload lines would break it up
        Path dir = Files.createTempDirectory("hearth-bench");
        if (storm > 0) {
            new StormBench().run(dir, model, clients.getFirst(), requests, storm, maxTokens);
            return 0;
        }
        Path yaml = dir.resolve("hearth.yaml");
        Files.writeString(yaml, """
                server:
                  listen: 127.0.0.1:0
                  data_dir: %s
                  memory_budget: 8GiB
                models:
                  bench:
                    task: chat
                    engine: llamacpp
                    path: %s
                    max_concurrency: 64
                    max_queue: 1000
                    idle_unload: 0
                """.formatted(dir.resolve("data"), model.toAbsolutePath()));
        HearthConfig config = ConfigLoader.load(yaml, Map.of());
        ModelSpec spec = config.models().get("bench");
        StreamLoad load = new StreamLoad();
        System.out.printf(Locale.ROOT, "hearth bench: %s, %d cores, max_tokens %d, about %d requests per level%n",
                model.getFileName(), Runtime.getRuntime().availableProcessors(), maxTokens, requests);

        List<Long> engineReady = new ArrayList<>();
        Engine direct = null;
        for (int i = 0; i < coldRuns; i++) {
            if (direct != null) {
                direct.stop();
            }
            direct = new Engines(dir.resolve("direct")).create(spec);
            long t0 = System.nanoTime();
            direct.start();
            engineReady.add(System.nanoTime() - t0);
        }
        try (Hearth hearth = Hearth.start(config)) {
            URI viaHearth = hearth.baseUri().resolve("/v1/chat/completions");
            URI straight = direct.endpoint().httpUrl().resolve("/v1/chat/completions");
            List<Long> cold = new ArrayList<>();
            for (int i = 0; i < coldRuns; i++) {
                hearth.scheduler().unload("bench").join();
                cold.add(load.one(viaHearth, "bench", 4, i).ttftNanos());
            }
            load.run(straight, "bench", 4, 4, maxTokens);   // warm both paths
            load.run(viaHearth, "bench", 4, 4, maxTokens);
            System.out.printf("%n%-8s %-8s %8s %9s %10s %10s %12s %12s %6s%n", "clients", "path", "req/s", "tok/s",
                    "ttft p50", "ttft p99", "latency p50", "latency p99", "fail");
            for (int c : clients) {
                int per = Math.max(2, requests / c);
                StreamLoad.Result d = load.run(straight, "bench", c, per, maxTokens);
                StreamLoad.Result h = load.run(viaHearth, "bench", c, per, maxTokens);
                row("direct", d);
                row("hearth", h);
                System.out.printf(Locale.ROOT, "%-8s %-8s %8s %9s %8.2fms %8.2fms %10.2fms %10.2fms%n", "", "added", "", "",
                        h.ttftMs(.5) - d.ttftMs(.5), h.ttftMs(.99) - d.ttftMs(.99),
                        h.totalMs(.5) - d.totalMs(.5), h.totalMs(.99) - d.totalMs(.99));
            }
            System.out.printf(Locale.ROOT, "%ncold start (%d runs, median): engine start→ready %.0f ms; "
                            + "through Hearth, first request → first token %.0f ms%n",
                    coldRuns, median(engineReady) / 1e6, median(cold) / 1e6);
        } finally {
            direct.stop();
        }
        return 0;
    }

    private static void quietLogs() {
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        root.setLevel(java.util.logging.Level.WARNING);
        for (var handler : root.getHandlers()) {
            handler.setLevel(java.util.logging.Level.WARNING);
        }
    }

    private static void row(String path, StreamLoad.Result r) {
        System.out.printf(Locale.ROOT, "%-8d %-8s %8.1f %9.0f %8.2fms %8.2fms %10.2fms %10.2fms %6d%n", r.clients(), path,
                r.rps(), r.tokensPerSecond(), r.ttftMs(.5), r.ttftMs(.99), r.totalMs(.5), r.totalMs(.99), r.failures());
    }

    private static long median(List<Long> xs) {
        List<Long> s = xs.stream().sorted().toList();
        return s.isEmpty() ? 0 : s.get(s.size() / 2);
    }
}
