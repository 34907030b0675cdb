package dev.hearth.cli;

import dev.hearth.HttpClients;
import dev.hearth.app.Hearth;
import dev.hearth.catalog.ConfigLoader;
import dev.hearth.scheduler.ModelStatus;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * `hearth bench --storm N`: streaming chat on one model, alone and while N clients retry a second
 * model's 429 at once (its queue held full by requests to a server that never answers), so the
 * figures show what refusals cost the requests being served (issue 6, item 12; issue 14's goal).
 *
 * <p>The two conditions take turns in paired rounds, the order swapped every round, after a warm-up
 * of each: measured once each, one after the other, the second condition ran on a JVM the first had
 * warmed, and that alone made the storm look 13–20 % faster than serving without it. Between its
 * turns the storm is held at a {@link Gate}, none of its requests in flight.
 */
final class StormBench {
    private final HttpClient http = HttpClients.engineManyStreams(Duration.ofSeconds(10));

    void run(Path dir, Path gguf, int served, int requests, int storm, int maxTokens, int rounds) throws Exception {
        try (ServerSocket hung = hungServer()) {
            Path yaml = dir.resolve("storm.yaml");
            Files.writeString(yaml, """
                    server:
                      listen: 127.0.0.1:0
                      data_dir: %s
                      memory_budget: 8GiB
                    models:
                      bench: { engine: llamacpp, path: %s, max_concurrency: %d, max_queue: 1000, idle_unload: 0 }
                      full: { engine: remote, url: "http://127.0.0.1:%d", max_concurrency: 1, max_queue: 1,
                              queue_timeout: 1h, idle_unload: 0 }
                    """.formatted(dir.resolve("storm-data"), gguf.toAbsolutePath(), served, hung.getLocalPort()));
            try (Hearth hearth = Hearth.start(ConfigLoader.load(yaml, Map.of()))) {
                URI chat = hearth.baseUri().resolve("/v1/chat/completions");
                StreamLoad load = new StreamLoad();
                int turns = Math.max(1, Math.min(rounds, requests / (2 * served)));
                int perTurn = Math.max(2, requests / served / turns);
                load.run(chat, "bench", served, 2, maxTokens); // load the model

                // one request to "full" hangs in its engine, then one waits in its queue: the queue is full.
                // One at a time: sent together while "full" loads, the first waits in the queue and the
                // second is refused.
                List<CompletableFuture<?>> holders = new ArrayList<>();
                holders.add(http.sendAsync(post(chat, body("full", 16)), HttpResponse.BodyHandlers.discarding()));
                awaitFull(hearth, ModelStatus::inFlight);
                holders.add(http.sendAsync(post(chat, body("full", 16)), HttpResponse.BodyHandlers.discarding()));
                awaitFull(hearth, ModelStatus::queued);
                Gate gate = new Gate();
                AtomicLong refused = new AtomicLong();
                AtomicLong other = new AtomicLong();
                AtomicReference<String> retryAfter = new AtomicReference<>("none");
                HttpRequest stormRequest = HttpRequest.newBuilder(post(chat, body("full", 64 * 1024)), (k, v) -> true)
                        .timeout(Duration.ofSeconds(10)).build(); // a lost request must not stall the bench
                List<Thread> stormers = new ArrayList<>();
                for (int i = 0; i < storm; i++) {
                    stormers.add(Thread.ofVirtual().start(() -> storm(gate, stormRequest, refused, other, retryAfter)));
                }
                // warm-up: each condition once, unmeasured, so that neither runs on a JVM the other warmed
                load.run(chat, "bench", served, perTurn, maxTokens);
                gate.open(storm);
                load.run(chat, "bench", served, perTurn, maxTokens);

                // the storm alone: what one refusal costs in CPU (the storm's client side included)
                var os = (com.sun.management.OperatingSystemMXBean)
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean();
                long cpu0 = os.getProcessCpuTime();
                long refused0 = refused.get();
                long w0 = System.nanoTime();
                Thread.sleep(3000); // a fixed window of a CLI measurement
                double cpuPerRefusal = (os.getProcessCpuTime() - cpu0) / 1e3 / Math.max(1, refused.get() - refused0);
                double stormAlone = (refused.get() - refused0) / ((System.nanoTime() - w0) / 1e9);
                gate.close();

                StreamLoad.Result alone = null;
                StreamLoad.Result stormed = null;
                double[] aloneRps = new double[turns];
                double[] stormedRps = new double[turns];
                long refusedInStorm = 0;
                double stormSeconds = 0;
                for (int round = 0; round < turns; round++) {
                    for (int turn = 0; turn < 2; turn++) {
                        boolean storming = (round + turn) % 2 == 1; // alone first in even rounds, the storm in odd
                        if (!storming) {
                            StreamLoad.Result r = load.run(chat, "bench", served, perTurn, maxTokens);
                            aloneRps[round] = r.rps();
                            alone = alone == null ? r : alone.plus(r);
                            continue;
                        }
                        gate.open(storm);
                        long r0 = refused.get();
                        long t0 = System.nanoTime();
                        StreamLoad.Result r = load.run(chat, "bench", served, perTurn, maxTokens);
                        gate.close(); // the storm's rate counts every refusal it was sent, until it stops
                        stormSeconds += (System.nanoTime() - t0) / 1e9;
                        refusedInStorm += refused.get() - r0;
                        stormedRps[round] = r.rps();
                        stormed = stormed == null ? r : stormed.plus(r);
                    }
                }
                gate.stop();
                for (Thread t : stormers) {
                    t.join();
                }
                holders.forEach(h -> h.cancel(true));
                System.out.printf("%n%-22s %8s %9s %10s %10s %6s %10s%n", "served " + served + " clients", "req/s",
                        "tok/s", "ttft p50", "ttft p99", "fail", "429/s");
                row("alone", alone, 0);
                row(storm + " clients storm", stormed, refusedInStorm / stormSeconds);
                System.out.printf(Locale.ROOT, "storm alone: %.0f 429/s, %.0f µs of CPU each (client and server);"
                        + " Retry-After: %s s%n", stormAlone, cpuPerRefusal, retryAfter.get());
                System.out.printf(Locale.ROOT, "served throughput with the storm: %.0f%% of alone (%s); storm answers "
                        + "other than 429: %d%n", 100 * stormed.rps() / alone.rps(), spread(stormedRps, aloneRps),
                        other.get());
            }
        }
    }

    /** One client of the storm: sends its request again the moment it is answered, while the gate lets it. */
    private void storm(Gate gate, HttpRequest request, AtomicLong refused, AtomicLong other,
                       AtomicReference<String> retryAfter) {
        try {
            while (gate.enter()) { // retry at once, as the clients of the issue did
                try {
                    HttpResponse<Void> r = http.send(request, HttpResponse.BodyHandlers.discarding());
                    (r.statusCode() == 429 ? refused : other).incrementAndGet();
                    r.headers().firstValue("Retry-After").ifPresent(retryAfter::set);
                } catch (IOException | InterruptedException e) {
                    other.incrementAndGet();
                } finally {
                    gate.leave();
                }
            }
        } catch (InterruptedException e) {
            // the bench is over
        }
    }

    /** The rounds' ratios of the served rate with the storm to the rate without it, and their paired mean. */
    static String spread(double[] stormed, double[] alone) {
        PairedRatio.Rounds r = PairedRatio.rounds(stormed, alone);
        String rounds = String.format(Locale.ROOT, "rounds %.0f–%.0f%%", 100 * r.min(), 100 * r.max());
        if (r.paired() == null) {
            return rounds + "; a round without answers";
        }
        return rounds + String.format(Locale.ROOT, "; paired %.1f%% (95%% CI %.1f–%.1f%%)", 100 * r.paired().mean(),
                100 * r.paired().low(), 100 * r.paired().high());
    }

    /**
     * Where the storm's clients wait between its turns. {@link #close} returns once none of their
     * requests is in flight, so a turn without the storm has none of its traffic.
     */
    static final class Gate {
        private static final Duration DRAIN = Duration.ofSeconds(30); // past the storm requests' own 10 s timeout
        private boolean open;
        private boolean stopped;
        private int inFlight;
        private long entries; // requests that passed, ever

        /** Waits while the gate is closed; false once it is stopped. Each true is followed by {@link #leave}. */
        synchronized boolean enter() throws InterruptedException {
            while (!open && !stopped) {
                wait();
            }
            if (stopped) return false;
            inFlight++;
            entries++;
            notifyAll(); // an open() waiting for the storm to start
            return true;
        }

        synchronized void leave() {
            if (--inFlight == 0) notifyAll();
        }

        /**
         * Opens the gate and waits until {@code stormers} requests have passed it, so that the turn that
         * follows has the storm from its start (a turn shorter than the storm's threads take to wake
         * would otherwise have none of it).
         */
        synchronized void open(int stormers) throws InterruptedException {
            open = true;
            notifyAll();
            long target = entries + stormers;
            long until = System.nanoTime() + DRAIN.toNanos();
            for (long left; entries < target && (left = until - System.nanoTime()) > 0; ) {
                wait(Math.max(1, left / 1_000_000));
            }
            if (entries < target) {
                throw new IllegalStateException("the storm did not start within " + DRAIN + ": "
                        + (stormers - (target - entries)) + " of " + stormers + " requests sent");
            }
        }

        /** Closes the gate and waits until the requests that passed it are answered. */
        synchronized void close() throws InterruptedException {
            open = false;
            long until = System.nanoTime() + DRAIN.toNanos();
            for (long left; inFlight > 0 && (left = until - System.nanoTime()) > 0; ) {
                wait(Math.max(1, left / 1_000_000));
            }
            if (inFlight > 0) {
                throw new IllegalStateException(inFlight + " storm requests still unanswered after " + DRAIN);
            }
        }

        synchronized void stop() {
            stopped = true;
            notifyAll();
        }
    }

    /** Waits (polling: a one-off in a CLI run, not a test) until "full" counts one request in {@code count}. */
    private static void awaitFull(Hearth hearth, java.util.function.ToIntFunction<ModelStatus> count)
            throws InterruptedException {
        long giveUp = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (hearth.scheduler().status().stream().filter(s -> s.name().equals("full")).mapToInt(count).sum() < 1) {
            if (System.nanoTime() > giveUp) {
                throw new IllegalStateException("the storm bench's model 'full' did not take its holding request"
                        + " within 30 s: " + hearth.scheduler().status());
            }
            Thread.sleep(10);
        }
    }

    private static void row(String name, StreamLoad.Result r, double refusedPerSecond) {
        System.out.printf(Locale.ROOT, "%-22s %8.1f %9.0f %8.2fms %8.2fms %6d %10.0f%n", name, r.rps(),
                r.tokensPerSecond(), r.ttftMs(.5), r.ttftMs(.99), r.failures(), refusedPerSecond);
    }

    private static HttpRequest post(URI chat, String body) {
        return HttpRequest.newBuilder(chat).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    /** A chat body with a long message first and the model last, in the order OpenAI's Python SDK writes them. */
    private static String body(String model, int messageBytes) {
        return "{\"messages\":[{\"role\":\"user\",\"content\":\"" + "a".repeat(messageBytes) + "\"}],\"model\":\""
                + model + "\"}";
    }

    /** Answers GET (health) with 200 and never answers a POST: the hung engine of issue 6, item 2. */
    private static ServerSocket hungServer() throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    Thread.ofVirtual().start(() -> answerHealthOnly(s));
                } catch (IOException closed) {
                    return;
                }
            }
        });
        return server;
    }

    private static void answerHealthOnly(Socket s) {
        try (s; InputStream in = s.getInputStream()) {
            byte[] head = new byte[4];
            in.readNBytes(head, 0, 4);
            if (new String(head, StandardCharsets.US_ASCII).startsWith("GET")) {
                s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                        .getBytes(StandardCharsets.US_ASCII));
                return;
            }
            in.transferTo(OutputStreamNull.INSTANCE); // hold the POST until the caller goes
        } catch (IOException gone) {
            // the bench is over
        }
    }

    private static final class OutputStreamNull extends java.io.OutputStream {
        static final OutputStreamNull INSTANCE = new OutputStreamNull();

        @Override
        public void write(int b) { }

        @Override
        public void write(byte[] b, int off, int len) { }
    }
}
