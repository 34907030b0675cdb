package dev.hearth.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.HttpClients;
import dev.hearth.Json;
import dev.hearth.app.Hearth;
import dev.hearth.catalog.ConfigLoader;
import dev.hearth.catalog.HearthConfig;
import dev.hearth.jobs.Dialect;
import dev.hearth.jobs.Job;
import dev.hearth.jobs.JobState;
import dev.hearth.jobs.store.JobStore;
import dev.hearth.jobs.store.JobStores;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code hearth bench queue}: the shared job queue on a real PostgreSQL with 1, 2 and 3 nodes.
 * The store's own ceiling — enqueues/s from 8 clients, then jobs/s claimed (and finished at once)
 * by one claimer per node, each node with its own connection pool as a real node has — and, through
 * real Hearth nodes with a free testsrc worker, the time from a job's enqueue to its start
 * ({@code started_at − created_at}, both stamped by the node).
 */
@Command(name = "queue", description = "The job queue on PostgreSQL with 1, 2 and 3 nodes: enqueues/s, claims/s,"
        + " and enqueue → start through real nodes (see BENCHMARKS.md).")
final class QueueBench implements java.util.concurrent.Callable<Integer> {
    private static final String MODEL = "bench";

    @Option(names = "--database", description = "a jdbc:postgresql: URL (default: $HEARTH_TEST_PG_URL); each run"
            + " uses a schema of its own and drops it")
    String database = System.getenv("HEARTH_TEST_PG_URL");

    @Option(names = "--nodes", split = ",", description = "node counts (default: 1,2,3)")
    List<Integer> nodes = List.of(1, 2, 3);

    @Option(names = "--jobs", description = "jobs per store run (default: 2000)")
    int jobs = 2000;

    @Option(names = "--started", description = "jobs timed from enqueue to start per node count (default: 40)")
    int started = 40;

    @Override
    public Integer call() throws Exception {
        if (database == null || !database.startsWith("jdbc:postgresql:")) {
            System.err.println("bench queue: pass --database jdbc:postgresql://… (or set HEARTH_TEST_PG_URL;"
                    + " .ci/start-postgres starts a throwaway one)");
            return 2;
        }
        BenchCommand.quietLogs();
        System.out.printf(Locale.ROOT, "hearth bench queue: %d jobs per store run, %d timed starts per node count,"
                + " %d CPUs%n%n", jobs, started, Runtime.getRuntime().availableProcessors());
        System.out.println("| nodes | enqueues/s (8 clients) | claims/s (one claimer per node) | enqueue → start p50 |"
                + " p99 | max | → start p50, loaded on another node | p99 |");
        System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- |");
        for (int n : nodes) {
            double[] store = storeRun(n);
            double[] start = startRun(n, false);
            double[] away = n < 2 ? null : startRun(n, true);
            System.out.printf(Locale.ROOT, "| %d | %,.0f | %,.0f | %.1f ms | %.1f ms | %.1f ms | %s | %s |%n", n, store[0],
                    store[1], start[0], start[1], start[2], away == null ? "—" : String.format(Locale.ROOT, "%.1f ms",
                            away[0]), away == null ? "—" : String.format(Locale.ROOT, "%.1f ms", away[1]));
        }
        return 0;
    }

    /** Enqueues/s and claims/s on the store alone. */
    private double[] storeRun(int nodeCount) throws Exception {
        String schema = schema();
        String url = withSchema(schema);
        List<JobStore> stores = new ArrayList<>();
        try {
            for (int i = 0; i < nodeCount; i++) stores.add(JobStores.open(url, Path.of("."), "bench-" + i));
            long t0 = System.nanoTime();
            AtomicInteger next = new AtomicInteger();
            try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
                List<Future<?>> done = new ArrayList<>();
                for (int c = 0; c < 8; c++) {
                    JobStore s = stores.get(c % nodeCount);
                    done.add(pool.submit(() -> {
                        while (next.getAndIncrement() < jobs) {
                            s.insert(Job.create(MODEL, "t2v", Dialect.NATIVE, "{}", Map.of(), 0, 1, "p", Instant.now()),
                                    Integer.MAX_VALUE);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) f.get();
            }
            double enqueues = jobs / seconds(t0);
            long t1 = System.nanoTime();
            AtomicInteger claimed = new AtomicInteger();
            try (ExecutorService pool = Executors.newFixedThreadPool(nodeCount)) {
                List<Future<?>> done = new ArrayList<>();
                for (int i = 0; i < nodeCount; i++) {
                    JobStore s = stores.get(i);
                    String node = "bench-" + i;
                    done.add(pool.submit(() -> {
                        while (true) {
                            var job = s.claimNext(List.of(MODEL), node, Duration.ofMinutes(1), Instant.now());
                            if (job.isEmpty()) return null;
                            s.transition(job.get().id(), JobState.RUNNING, JobState.SUCCEEDED, j -> j, "done", Instant.now());
                            claimed.incrementAndGet();
                        }
                    }));
                }
                for (Future<?> f : done) f.get();
            }
            return new double[] {enqueues, claimed.get() / seconds(t1)};
        } finally {
            for (JobStore s : stores) s.close();
            drop(schema);
        }
    }

    /**
     * p50, p99 and max of enqueue → start (ms) through real nodes, each with testsrc loaded and free,
     * jobs submitted to the first; {@code onlyLast}: loaded on the last node only, so every job is
     * submitted to a node that leaves it to another (which hears of it by NOTIFY).
     */
    private double[] startRun(int nodeCount, boolean onlyLast) throws Exception {
        String schema = schema();
        Path dir = Files.createTempDirectory("hearth-bench-queue");
        List<Hearth> running = new ArrayList<>();
        HttpClient http = HttpClients.engine(Duration.ofSeconds(5));
        try {
            for (int i = 0; i < nodeCount; i++) {
                Path config = dir.resolve("node-" + i + ".yaml");
                Files.writeString(config, """
                        server:
                          listen: 127.0.0.1:0
                          data_dir: %s
                          database: "%s"
                          node_id: bench-%d
                          blob_dir: %s
                        models:
                          %s: { engine: testsrc, defaults: { size: 64x48, fps: 4, seconds: 0.5 } }
                        """.formatted(dir.resolve("data-" + i), withSchema(schema), i, dir.resolve("blobs"), MODEL));
                HearthConfig c = ConfigLoader.load(config, Map.of());
                Hearth h = Hearth.start(c);
                running.add(h);
                if (!onlyLast || i == nodeCount - 1) post(http, h.baseUri(), "/api/models/" + MODEL + "/load", "");
            }
            if (onlyLast) awaitSeenLoaded(http, running.getFirst().baseUri(), "bench-" + (nodeCount - 1));
            URI first = running.getFirst().baseUri();
            List<Double> ms = new ArrayList<>();
            for (int i = 0; i < started; i++) {
                String id = Json.MAPPER.readTree(post(http, first, "/v1/jobs", "{\"model\":\"" + MODEL
                        + "\",\"prompt\":\"bench\"}")).path("id").asText();
                JsonNode j = awaitEnd(http, first, id);
                ms.add((double) Duration.between(Instant.parse(j.path("created_at").asText()),
                        Instant.parse(j.path("started_at").asText())).toNanos() / 1e6);
            }
            ms.sort(Double::compare);
            return new double[] {ms.get(ms.size() / 2), ms.get(Math.min(ms.size() - 1, (int) (ms.size() * 0.99))),
                    ms.getLast()};
        } finally {
            for (Hearth h : running) h.close();
            drop(schema);
        }
    }

    /** Until the node at {@code base} lists {@code node} alive with the model loaded (its next heartbeat). */
    private static void awaitSeenLoaded(HttpClient http, URI base, String node) throws Exception {
        long giveUp = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (System.nanoTime() < giveUp) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/api/nodes")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            for (JsonNode n : Json.MAPPER.readTree(r.body()).path("data")) {
                if (n.path("id").asText().equals(node) && n.path("loaded").toString().contains("\"" + MODEL + "\"")) return;
            }
            Thread.sleep(100); // a benchmark's poll, not a test's wait
        }
        throw new IllegalStateException(base + " did not see " + MODEL + " loaded on " + node + " within a minute");
    }

    private static JsonNode awaitEnd(HttpClient http, URI base, String id) throws Exception {
        long giveUp = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < giveUp) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/v1/jobs/" + id)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode j = Json.MAPPER.readTree(r.body());
            String state = j.path("state").asText();
            if (state.equals("succeeded")) return j;
            if (state.equals("failed") || state.equals("cancelled")) throw new IllegalStateException("job " + id + ": " + j);
            Thread.sleep(20); // a benchmark's poll, not a test's wait
        }
        throw new IllegalStateException("job " + id + " did not finish within 2 minutes");
    }

    private static String post(HttpClient http, URI base, String path, String body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type",
                "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new IllegalStateException("POST " + path + ": " + r.statusCode() + " " + r.body());
        return r.body();
    }

    private String schema() throws SQLException {
        String schema = "bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        exec("CREATE SCHEMA " + schema);
        return schema;
    }

    private void drop(String schema) {
        try {
            exec("DROP SCHEMA " + schema + " CASCADE");
        } catch (SQLException e) {
            System.err.println("bench queue: could not drop schema " + schema + ": " + e.getMessage());
        }
    }

    private void exec(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(database)) {
            c.createStatement().execute(sql);
        }
    }

    private String withSchema(String schema) {
        return database + (database.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
