package dev.hearth.cli;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Closed-loop load of streaming chat requests: {@code clients} clients each send {@code perClient}
 * requests one after another. Measures time to first token and tokens (= content chunks) per request.
 *
 * <p>Each client is a platform thread that reads its stream with blocking reads (the JDK's
 * {@link HttpURLConnection}): every chunk wakes that one thread, as a proxy's chunk wakes nginx's
 * worker, and nothing else. The JDK's asynchronous client woke its selector thread and then the
 * reading (virtual) thread's carrier for each chunk: on two cores the load generator took eight
 * times the context switches of the proxy it measured, from the CPUs the engine and the proxy share
 * (BENCHMARKS.md, 2026-12-04 evening). Kept-alive connections are reused most recent first, so one
 * client's requests go over one connection on every path, whatever an earlier level left idle.
 */
final class StreamLoad {
    /** Idle connections kept per server (the JDK's default is 5): at least one per client of any level. */
    static final int KEPT_CONNECTIONS = 4096;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** The longest wait for a stream's next bytes before the request counts as failed. */
    private static final Duration READ_TIMEOUT = Duration.ofMinutes(2);

    static {
        // read once, when the JDK's keep-alive cache is first used: before any request of this process
        if (System.getProperty("http.maxConnections") == null) {
            System.setProperty("http.maxConnections", Integer.toString(KEPT_CONNECTIONS));
        }
    }

    record Sample(long ttftNanos, long totalNanos, int tokens) {}

    record Result(int clients, int requests, int failures, long wallNanos, long[] ttft, long[] total, long tokens) {
        double rps() { return requests / (wallNanos / 1e9); }

        /** Both runs as one: their requests, failures, samples and wall time together. */
        Result plus(Result o) {
            return new Result(clients, requests + o.requests, failures + o.failures, wallNanos + o.wallNanos,
                    merged(ttft, o.ttft), merged(total, o.total), tokens + o.tokens);
        }

        private static long[] merged(long[] a, long[] b) {
            long[] m = java.util.Arrays.copyOf(a, a.length + b.length);
            System.arraycopy(b, 0, m, a.length, b.length);
            java.util.Arrays.sort(m);
            return m;
        }

        double tokensPerSecond() { return tokens / (wallNanos / 1e9); }

        double ttftMs(double q) { return pct(ttft, q) / 1e6; }

        double totalMs(double q) { return pct(total, q) / 1e6; }

        private static long pct(long[] sorted, double q) {
            if (sorted.length == 0) {
                return 0;
            }
            int i = (int) Math.ceil(q * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
        }
    }

    Result run(URI chatUrl, String model, int clients, int perClient, int maxTokens) throws Exception {
        List<Future<List<Sample>>> futures = new ArrayList<>();
        long start = System.nanoTime();
        try (ExecutorService pool = Executors.newThreadPerTaskExecutor(
                Thread.ofPlatform().daemon().name("bench-client-", 0).factory())) {
            for (int c = 0; c < clients; c++) {
                int client = c;
                futures.add(pool.submit(() -> {
                    List<Sample> samples = new ArrayList<>();
                    for (int i = 0; i < perClient; i++) {
                        samples.add(one(chatUrl, model, maxTokens, client * 1000 + i));
                    }
                    return samples;
                }));
            }
        }
        long wall = System.nanoTime() - start;
        List<Sample> all = new ArrayList<>();
        for (Future<List<Sample>> f : futures) {
            all.addAll(f.get());
        }
        List<Sample> ok = all.stream().filter(s -> s.tokens() > 0).toList();
        long[] ttft = ok.stream().mapToLong(Sample::ttftNanos).sorted().toArray();
        long[] total = ok.stream().mapToLong(Sample::totalNanos).sorted().toArray();
        long tokens = ok.stream().mapToLong(Sample::tokens).sum();
        return new Result(clients, ok.size(), all.size() - ok.size(), wall, ttft, total, tokens);
    }

    /** One streaming request; a failed one counts zero tokens. */
    Sample one(URI chatUrl, String model, int maxTokens, int seed) {
        return one(chatUrl, model, maxTokens, seed, "Tell me a story about a little dog.");
    }

    /** One streaming request with this user message (plain text: no quotes or backslashes). */
    Sample one(URI chatUrl, String model, int maxTokens, int seed, String prompt) {
        String body = String.format(Locale.ROOT, """
                {"model":"%s","stream":true,"max_tokens":%d,"temperature":0,"seed":%d,
                 "messages":[{"role":"user","content":"%s"}]}""",
                model, maxTokens, seed, prompt);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        long t0 = System.nanoTime();
        long first = 0;
        int tokens = 0;
        HttpURLConnection http = null;
        try {
            http = (HttpURLConnection) chatUrl.toURL().openConnection();
            http.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
            http.setReadTimeout((int) READ_TIMEOUT.toMillis());
            http.setRequestMethod("POST");
            http.setDoOutput(true); // the body is buffered, sent with its Content-Length right after the head
            http.setRequestProperty("Content-Type", "application/json");
            http.setRequestProperty("Accept", "text/event-stream");
            try (OutputStream out = http.getOutputStream()) {
                out.write(bytes);
            }
            if (http.getResponseCode() != 200) {
                try (InputStream error = http.getErrorStream()) {
                    if (error != null) error.transferTo(OutputStream.nullOutputStream()); // read whole: kept alive
                }
                return new Sample(0, 0, 0);
            }
            try (BufferedReader in = new BufferedReader(new InputStreamReader(http.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (!line.startsWith("data: ") || line.equals("data: [DONE]")) {
                        continue;
                    }
                    if (line.contains("\"content\":\"") || line.contains("\"text\":\"")) {
                        if (first == 0) {
                            first = System.nanoTime() - t0;
                        }
                        tokens++;
                    }
                }
            }
        } catch (Exception e) {
            if (http != null) http.disconnect(); // not kept for another request
            return new Sample(0, 0, 0);
        }
        return new Sample(first, System.nanoTime() - t0, tokens);
    }


}
