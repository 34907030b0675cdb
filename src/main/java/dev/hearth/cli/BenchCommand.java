package dev.hearth.cli;

import dev.hearth.catalog.ConfigLoader;
import dev.hearth.catalog.ModelSpec;
import dev.hearth.engine.Engines;
import dev.hearth.engine.Engine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * `hearth bench`: streaming chat straight to a llamacpp engine versus through nginx and through Hearth,
 * side by side from one run, with the CPU time nginx and Hearth spent per 1,000 requests of each row,
 * plus cold start: first request → first token through Hearth versus the engine's own start-to-ready
 * time. Starts everything it measures itself (Hearth as {@code hearth serve} in a child JVM, see
 * {@link HearthChild}); needs nothing running.
 */
@Command(name = "bench", subcommands = {SwapsBench.class, QueueBench.class},
        description = "Measure Hearth's overhead against a direct engine (see BENCHMARKS.md).")
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

    @Option(names = "--engine", description = "the engine measured: llamacpp (Hearth's own, default) or llama-server")
    String engine = "llamacpp";

    @Option(names = "--llama-server", description = "llama-server binary (default: $HEARTH_LLAMA_SERVER, else on PATH)")
    Path llamaServer;

    @Option(names = "--threads", description = "CPU threads of the engine (default: 1)")
    int threads = 1;

    @Option(names = "--nginx", description = "nginx binary for the nginx row (default: found in /usr/sbin…)")
    Path nginx;

    @Option(names = "--rounds", description = "rounds a level is split into, the paths taking turns (default: 4)")
    int rounds = 4;

    @Option(names = "--warmup", description = "requests through each path before any is measured (default: 1000)")
    int warmup = 1000;

    @Option(names = "--jit-warmup", description = "after --warmup, this many short requests (max_tokens 4, 16 clients)"
            + " through Hearth alone, so its JIT compiles the request path as in a Hearth that has served for a while"
            + " (default: 20000; 0: none)")
    int jitWarmup = 20_000;

    @Option(names = "--settle", description = "after the warm-ups, at most this many seconds more warm-up, every path"
            + " alike, at each level until Hearth's JIT compilers are all but idle (default: 90; 0: none)")
    int settleSeconds = 90;

    @Option(names = "--max-concurrency", description = "Hearth's max_concurrency for the model (default: none set,"
            + " so Hearth's own, from what the engine serves at once)")
    Integer maxConcurrency;

    @Option(names = "--no-nginx", description = "leave out the nginx row")
    boolean noNginx;

    @Option(names = "--hearth-jvm-option", description = "an option for Hearth's JVM, e.g."
            + " -XX:StartFlightRecording=filename=hearth.jfr (repeatable)")
    List<String> hearthJvmOptions = new ArrayList<>();

    @Option(names = "--yardstick", description = "instead: 'engines' compares Hearth's llamacpp engine with"
            + " llama-server on the same GGUF and threads (prompt and generation tok/s)")
    String yardstick;

    @Option(names = "--storm", description = "instead: serve --clients (first level) alone and while this many"
            + " clients retry another model's 429 at once, the two taking turns in --rounds")
    int storm = 0;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(model)) {
            System.err.println("bench: no model at " + model + " (pass --model FILE.gguf)");
            return 2;
        }
        quietLogs(); // the table is the output; load/unload lines would break it up
        Path dir = Files.createTempDirectory("hearth-bench");
        try {
            return run(dir);
        } finally {
            try {
                dev.hearth.media.Files2.deleteTree(dir); // configs, engine logs, Hearth's data dir
            } catch (java.io.IOException e) {
                System.err.println("bench: could not remove " + dir + ": " + e.getMessage());
            }
        }
    }

    private int run(Path dir) throws Exception {
        if (storm > 0) {
            new StormBench().run(dir, model, clients.getFirst(), requests, storm, maxTokens, rounds);
            return 0;
        }
        if ("engines".equals(yardstick)) {
            new EngineYardstick().run(dir, model, threads, llamaServerBinary(), maxTokens, requests);
            return 0;
        }
        Path yaml = config(dir, engine);
        ModelSpec spec = ConfigLoader.load(yaml, Map.of()).models().get("bench");
        Path nginxBinary = noNginx ? null : NginxProxy.find(nginx);
        StreamLoad load = new StreamLoad();
        System.out.printf(Locale.ROOT, "hearth bench: %s on %s (%d threads), %d cores, max_tokens %d, about %d requests"
                        + " per level%s%n", model.getFileName(), engine, threads, Runtime.getRuntime().availableProcessors(),
                maxTokens, requests, nginxBinary == null ? "; no nginx row (none found)" : "");

        // the engine's own start → ready, for the cold-start line: an engine of the bench's, stopped after
        List<Long> engineReady = new ArrayList<>();
        for (int i = 0; i < coldRuns; i++) {
            Engine alone = new Engines(dir.resolve("alone")).create(spec);
            long t0 = System.nanoTime();
            alone.start();
            engineReady.add(System.nanoTime() - t0);
            alone.stop();
        }
        try (HearthChild hearth = HearthChild.start(yaml, dir, hearthJvmOptions)) {
            URI viaHearth = hearth.baseUri().resolve("/v1/chat/completions");
            System.out.println("Hearth's max_concurrency for the model: " + hearth.maxConcurrency("bench"));
            List<Long> cold = new ArrayList<>();
            for (int i = 0; i < coldRuns; i++) {
                hearth.unload("bench");
                cold.add(load.one(viaHearth, "bench", 4, i).ttftNanos());
            }
            if (coldRuns == 0) load.one(viaHearth, "bench", 4, 0); // loads the model
            // the direct path and nginx go to the engine Hearth started: the paths differ only by the proxy
            URI engineUrl = hearth.engineUrl();
            System.out.println("direct and nginx: to the engine Hearth started, at " + engineUrl);
            try (NginxProxy proxy = nginxBinary == null ? null
                    : NginxProxy.start(nginxBinary, engineUrl, dir.resolve("nginx"))) {
                measure(load, hearth, viaHearth, engineUrl.resolve("/v1/chat/completions"),
                        proxy == null ? null : proxy.base().resolve("/v1/chat/completions"), proxy);
            }
            System.out.printf("%ncpu s/1k: CPU seconds (user + system) the proxy's own process spent per 1,000"
                    + " requests of its row (nginx: master and worker; Hearth: its JVM, not its engine);%n"
                    + "of which JIT: Hearth's JIT compiler threads, what they still compiled after the warm-ups%n");
            System.out.printf(Locale.ROOT, "%ncold start (%d runs, median): engine start→ready %.0f ms; "
                            + "through Hearth, first request → first token %.0f ms%n",
                    coldRuns, median(engineReady) / 1e6, median(cold) / 1e6);
        }
        return 0;
    }

    /** Warms every path, then measures each level: the paths take turns, a round at a time. */
    private void measure(StreamLoad load, HearthChild hearth, URI viaHearth, URI straight, URI viaNginx,
                         NginxProxy proxy) throws Exception {
        // warm every path, so Hearth's JIT has compiled its request path before its CPU time is counted,
        // as in a Hearth that has been serving for a while
        int warm = Math.max(4, warmup);
        load.run(straight, "bench", 4, warm / 4, maxTokens);
        load.run(viaHearth, "bench", 4, warm / 4, maxTokens);
        if (viaNginx != null) load.run(viaNginx, "bench", 4, warm / 4, maxTokens);
        jitWarmup(load, hearth, viaHearth);
        System.out.printf("%n%-8s %-8s %8s %9s %10s %10s %12s %12s %6s %10s%n", "clients", "path", "req/s", "tok/s",
                "ttft p50", "ttft p99", "latency p50", "latency p99", "fail", "cpu s/1k");
        for (int c : clients) {
            settle(load, hearth, c, viaHearth, straight, viaNginx);
            int per = Math.max(2, requests / c);
            int r = Math.max(1, Math.min(rounds, per));
            // the paths take turns, a round at a time, each round starting with the next path: whatever the
            // machine does meanwhile (other work, a slower minute) falls on every path alike
            List<Path3> paths = new ArrayList<>(List.of(Path3.DIRECT, Path3.NGINX, Path3.HEARTH));
            if (viaNginx == null) paths.remove(Path3.NGINX);
            StreamLoad.Result d = null, n = null, h = null;
            Duration nCpu = Duration.ZERO;
            HearthChild.Cpu hCpu = HearthChild.Cpu.ZERO;
            double[] nRps = new double[r], hRps = new double[r];
            for (int round = 0; round < r; round++) {
                for (int k = 0; k < paths.size(); k++) {
                    switch (paths.get((round + k) % paths.size())) {
                        case DIRECT -> d = plus(d, load.run(straight, "bench", c, per / r, maxTokens));
                        case NGINX -> {
                            Duration n0 = proxy.cpu();
                            StreamLoad.Result one = load.run(viaNginx, "bench", c, per / r, maxTokens);
                            nRps[round] = one.rps();
                            n = plus(n, one);
                            nCpu = nCpu.plus(proxy.cpu().minus(n0));
                        }
                        case HEARTH -> {
                            HearthChild.Cpu h0 = hearth.cpu();
                            StreamLoad.Result one = load.run(viaHearth, "bench", c, per / r, maxTokens);
                            hRps[round] = one.rps();
                            h = plus(h, one);
                            hCpu = hCpu.plus(hearth.cpu().minus(h0));
                        }
                    }
                }
            }
            row("direct", d, null);
            if (n != null) {
                row("nginx", n, nCpu);
                added("+nginx", n, d);
            }
            row("hearth", h, hCpu.total());
            System.out.printf(Locale.ROOT, "%-8s %-14s %79s%n", "", "  of which JIT", perThousand(hCpu.jit(), h));
            added("+hearth", h, d);
            if (n != null) {
                System.out.printf(Locale.ROOT, "%-8s %-8s %8.2fx %9s %8.2fms %8s %10.2fms   %s%n", "", "hearth/ng",
                        h.rps() / n.rps(), "", h.ttftMs(.5) - n.ttftMs(.5), "", h.totalMs(.5) - n.totalMs(.5),
                        roundsSpread(hRps, nRps));
            }
        }
    }

    /**
     * Short requests through Hearth alone ({@code --jit-warmup}), as many as C2 needs to compile the
     * request path: a method run once per request reaches C2 after some thousands of calls, which at the
     * 40–50 requests a second of full answers on a small machine takes four minutes (BENCHMARKS.md,
     * 2026-12-03 evening), while the JIT's CPU is taken from the engine. Answers of four tokens take
     * every step of the path ~8 times as often. Prints how long it took and the JIT's CPU meanwhile.
     */
    private void jitWarmup(StreamLoad load, HearthChild hearth, URI viaHearth) throws Exception {
        if (jitWarmup <= 0) {
            return;
        }
        int c = 16;
        HearthChild.Cpu before = hearth.cpu();
        long t0 = System.nanoTime();
        load.run(viaHearth, "bench", c, Math.max(1, jitWarmup / c), JIT_WARMUP_TOKENS);
        System.out.printf(Locale.ROOT, "(JIT warm-up: %d requests of %d tokens through Hearth in %.0f s, its JIT"
                        + " compilers busy %.1f s)%n", Math.max(1, jitWarmup / c) * c, JIT_WARMUP_TOKENS,
                (System.nanoTime() - t0) / 1e9, hearth.cpu().minus(before).jit().toNanos() / 1e9);
    }

    /** Tokens per answer of the JIT warm-up: few, so each second runs the per-request path often. */
    static final int JIT_WARMUP_TOKENS = 4;

    /**
     * Before a level is measured, goes on warming at its client count, every path alike, until Hearth's
     * JIT compilers spent under {@link #SETTLED_JIT_PER_REQUEST} per request of Hearth's in two rounds in
     * a row (each path once; {@code --settle} seconds at most): each level makes C2 compile again (code
     * seen only under load, or only without it), and one quiet round proved too little. The JIT's time
     * is taken over the whole round (what Hearth's requests gave C2 may compile while the other paths
     * run) and divided by Hearth's requests: a share of the round's wall time, the first criterion,
     * passed with C2 still spending half a millisecond per request. That CPU, taken from the engine on a
     * small machine, is a young JVM's cost, not the gateway's. Prints how long it took and what the JIT
     * spent in the last round.
     */
    private void settle(StreamLoad load, HearthChild hearth, int c, URI viaHearth, URI straight, URI viaNginx)
            throws Exception {
        if (settleSeconds <= 0) {
            return;
        }
        int per = Math.max(2, 256 / c);
        long start = System.nanoTime();
        long deadline = start + Duration.ofSeconds(settleSeconds).toNanos();
        Duration perRequest;
        int quiet = 0;
        do {
            HearthChild.Cpu before = hearth.cpu();
            StreamLoad.Result served = load.run(viaHearth, "bench", c, per, maxTokens);
            load.run(straight, "bench", c, per, maxTokens);
            if (viaNginx != null) load.run(viaNginx, "bench", c, per, maxTokens);
            // the whole round: what Hearth's requests gave C2 to compile may still compile meanwhile
            perRequest = hearth.cpu().minus(before).jit().dividedBy(Math.max(1, served.requests()));
            quiet = perRequest.compareTo(SETTLED_JIT_PER_REQUEST) <= 0 ? quiet + 1 : 0;
        } while (quiet < 2 && System.nanoTime() < deadline);
        System.out.printf(Locale.ROOT, "(warm-up at %d clients: %.0f s on every path until Hearth's JIT settled,"
                        + " %.0f µs per request of Hearth's in its last round)%n", c,
                (System.nanoTime() - start) / 1e9, perRequest.toNanos() / 1e3);
    }

    /**
     * Hearth's JIT compilers busy for under this long per request of Hearth's: the request path is
     * compiled. A tenth of nginx's whole CPU per request; below it the /proc clock's 10 ms ticks are
     * most of what is seen.
     */
    static final Duration SETTLED_JIT_PER_REQUEST = Duration.ofNanos(100_000);

    static void quietLogs() {
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        root.setLevel(java.util.logging.Level.WARNING);
        for (var handler : root.getHandlers()) {
            handler.setLevel(java.util.logging.Level.WARNING);
        }
    }

    private enum Path3 { DIRECT, NGINX, HEARTH }

    /**
     * How far one round's req/s ratio strays from the next (a round's Hearth and nginx turns run back to
     * back), and their geometric mean with its 95 % confidence interval ({@link PairedRatio}): whether a
     * ratio near 1 is a difference or the machine's own noise.
     */
    static String roundsSpread(double[] hearth, double[] nginx) {
        PairedRatio.Rounds r = PairedRatio.rounds(hearth, nginx);
        String spread = String.format(Locale.ROOT, "rounds %.2f–%.2fx, Hearth ≥ nginx in %d of %d", r.min(), r.max(),
                r.atLeastOne(), r.count());
        if (r.paired() == null) {
            return spread + "; a round without answers"; // no ratio to average
        }
        return spread + String.format(Locale.ROOT, "; paired %.3fx (95%% CI %.3f–%.3f)", r.paired().mean(),
                r.paired().low(), r.paired().high());
    }

    private static StreamLoad.Result plus(StreamLoad.Result sum, StreamLoad.Result r) {
        return sum == null ? r : sum.plus(r);
    }

    /** @param cpu what the proxy's process spent during the row; null for the direct row */
    private static void row(String path, StreamLoad.Result r, Duration cpu) {
        String perThousand = cpu == null ? "-" : perThousand(cpu, r);
        System.out.printf(Locale.ROOT, "%-8d %-8s %8.1f %9.0f %8.2fms %8.2fms %10.2fms %10.2fms %6d %10s%n", r.clients(),
                path, r.rps(), r.tokensPerSecond(), r.ttftMs(.5), r.ttftMs(.99), r.totalMs(.5), r.totalMs(.99),
                r.failures(), perThousand);
    }

    private static String perThousand(Duration cpu, StreamLoad.Result r) {
        return String.format(Locale.ROOT, "%.2f", cpu.toNanos() / 1e9 * 1000 / Math.max(1, r.requests() + r.failures()));
    }

    /** What a proxy added to the direct figures. */
    private static void added(String label, StreamLoad.Result via, StreamLoad.Result d) {
        System.out.printf(Locale.ROOT, "%-8s %-8s %8s %9s %8.2fms %8.2fms %10.2fms %10.2fms%n", "", label, "", "",
                via.ttftMs(.5) - d.ttftMs(.5), via.ttftMs(.99) - d.ttftMs(.99),
                via.totalMs(.5) - d.totalMs(.5), via.totalMs(.99) - d.totalMs(.99));
    }

    /**
     * The model "bench" on the chosen engine, with Hearth's own concurrency limit (what the engine serves
     * at once, as users get it) unless --max-concurrency sets one, and a queue that never refuses the load.
     */
    private Path config(Path dir, String kind) throws Exception {
        String entry = switch (kind) {
            case "llamacpp" -> """
                    engine: llamacpp
                    path: %s
                    options: { threads: %d }""".formatted(model.toAbsolutePath(), threads);
            case "llama-server" -> """
                    engine: process
                    memory: 1GiB
                    cmd: %s -m %s --host 127.0.0.1 --port ${PORT} --alias bench -t %d -c 4096 -np 4""".formatted(
                    llamaServerBinary(), model.toAbsolutePath(), threads);
            default -> throw new picocli.CommandLine.ParameterException(
                    new picocli.CommandLine(this), "--engine is llamacpp or llama-server, not " + kind);
        };
        Path yaml = dir.resolve("hearth-" + kind + ".yaml");
        Files.writeString(yaml, """
                server:
                  listen: 127.0.0.1:0
                  data_dir: %s
                  memory_budget: 8GiB
                models:
                  bench:
                    task: chat
                %s
                %s    max_queue: 1000
                    idle_unload: 0
                """.formatted(dir.resolve("data-" + kind), entry.indent(4).stripTrailing(),
                maxConcurrency == null ? "" : "    max_concurrency: " + maxConcurrency + "\n"));
        return yaml;
    }

    private Path llamaServerBinary() {
        if (llamaServer != null) return llamaServer;
        String env = System.getenv("HEARTH_LLAMA_SERVER");
        return Path.of(env != null && !env.isBlank() ? env : "llama-server");
    }

    private static long median(List<Long> xs) {
        List<Long> s = xs.stream().sorted().toList();
        return s.isEmpty() ? 0 : s.get(s.size() / 2);
    }
}
