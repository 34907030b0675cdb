package dev.hearth.cli;

import dev.hearth.HttpClients;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
 */
final class StreamLoad {
    private HttpClient http = client();

    private static HttpClient client() {
        return HttpClients.engineManyStreams(Duration.ofSeconds(10));
    }

    /**
     * Closes every kept-alive connection and starts a new pool. The JDK client takes the idle
     * connection that waited longest, so a pool left from a busier phase spreads one client's
     * requests over all its connections in turn; a level that starts here gives every path the same
     * pool: as many connections as its clients.
     */
    void freshConnections() {
        http.close();
        http = client();
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
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
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
        HttpRequest req = HttpRequest.newBuilder(chatUrl)
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        long t0 = System.nanoTime();
        long first = 0;
        int tokens = 0;
        try {
            HttpResponse<java.io.InputStream> r = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
            if (r.statusCode() != 200) {
                r.body().close();
                return new Sample(0, 0, 0);
            }
            try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
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
            return new Sample(0, 0, 0);
        }
        return new Sample(first, System.nanoTime() - t0, tokens);
    }


}
