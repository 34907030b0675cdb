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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * `hearth bench --storm N`: streaming chat on one model, alone and then while N clients retry a
 * second model's 429 at once (its queue held full by requests to a server that never answers), so
 * the figures show what refusals cost the requests being served (issue 6, item 12).
 */
final class StormBench {
    private final HttpClient http = HttpClients.engineManyStreams(Duration.ofSeconds(10));

    void run(Path dir, Path gguf, int served, int requests, int storm, int maxTokens) throws Exception {
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
                int per = Math.max(2, requests / served);
                load.run(chat, "bench", served, 2, maxTokens); // load and warm
                StreamLoad.Result alone = load.run(chat, "bench", served, per, maxTokens);

                // one request to "full" hangs in its engine, then one waits in its queue: the queue is full.
                // One at a time: sent together while "full" loads, the first waits in the queue and the
                // second is refused.
                List<CompletableFuture<?>> holders = new ArrayList<>();
                holders.add(http.sendAsync(post(chat, body("full", 16)), HttpResponse.BodyHandlers.discarding()));
                awaitFull(hearth, ModelStatus::inFlight);
                holders.add(http.sendAsync(post(chat, body("full", 16)), HttpResponse.BodyHandlers.discarding()));
                awaitFull(hearth, ModelStatus::queued);
                AtomicBoolean stop = new AtomicBoolean();
                AtomicLong refused = new AtomicLong();
                AtomicLong other = new AtomicLong();
                AtomicReference<String> retryAfter = new AtomicReference<>("none");
                HttpRequest stormRequest = HttpRequest.newBuilder(post(chat, body("full", 64 * 1024)), (k, v) -> true)
                        .timeout(Duration.ofSeconds(10)).build(); // a lost request must not stall the bench
                List<Thread> stormers = new ArrayList<>();
                for (int i = 0; i < storm; i++) {
                    stormers.add(Thread.ofVirtual().start(() -> {
                        while (!stop.get()) { // retry at once, as the clients of the issue did
                            try {
                                HttpResponse<Void> r = http.send(stormRequest, HttpResponse.BodyHandlers.discarding());
                                (r.statusCode() == 429 ? refused : other).incrementAndGet();
                                r.headers().firstValue("Retry-After").ifPresent(retryAfter::set);
                            } catch (IOException | InterruptedException e) {
                                other.incrementAndGet();
                            }
                        }
                    }));
                }
                // the storm alone first: what one refusal costs in CPU (the storm's client side included)
                var os = (com.sun.management.OperatingSystemMXBean)
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean();
                long cpu0 = os.getProcessCpuTime();
                long refused0 = refused.get();
                long w0 = System.nanoTime();
                Thread.sleep(3000); // a fixed window of a CLI measurement
                double cpuPerRefusal = (os.getProcessCpuTime() - cpu0) / 1e3 / Math.max(1, refused.get() - refused0);
                double stormAlone = (refused.get() - refused0) / ((System.nanoTime() - w0) / 1e9);
                long r1 = refused.get();
                long t0 = System.nanoTime();
                StreamLoad.Result stormed = load.run(chat, "bench", served, per, maxTokens);
                double seconds = (System.nanoTime() - t0) / 1e9;
                stop.set(true);
                for (Thread t : stormers) {
                    t.join();
                }
                holders.forEach(h -> h.cancel(true));
                System.out.printf("%n%-22s %8s %9s %10s %10s %6s %10s%n", "served " + served + " clients", "req/s",
                        "tok/s", "ttft p50", "ttft p99", "fail", "429/s");
                row("alone", alone, 0);
                row(storm + " clients storm", stormed, (refused.get() - r1) / seconds);
                System.out.printf(Locale.ROOT, "storm alone: %.0f 429/s, %.0f µs of CPU each (client and server);"
                        + " Retry-After: %s s%n", stormAlone, cpuPerRefusal, retryAfter.get());
                System.out.printf(Locale.ROOT, "served throughput with the storm: %.0f%% of alone; storm answers "
                        + "other than 429: %d%n", 100 * stormed.rps() / alone.rps(), other.get());
            }
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
