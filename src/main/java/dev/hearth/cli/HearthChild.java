package dev.hearth.cli;

import dev.hearth.HttpClients;
import dev.hearth.engine.process.JavaCommand;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A Hearth of its own for {@code hearth bench}: {@code hearth serve} in a child JVM, as a user runs
 * it, so that its CPU time is its own (the load generator runs in the bench's JVM) and a profiler
 * can be attached to it alone ({@code --hearth-jvm-option -XX:StartFlightRecording=…}). Its log goes
 * to {@code hearth.log} in the bench's temp dir; its engines are its own children, stopped with it.
 */
final class HearthChild implements AutoCloseable {
    private static final String SERVING = "Hearth is serving on ";

    private final Process process;
    private final URI base;
    private final HttpClient http = HttpClients.engine(Duration.ofSeconds(10));

    private HearthChild(Process process, URI base) {
        this.process = process;
        this.base = base;
    }

    static HearthChild start(Path yaml, Path dir, List<String> jvmOptions) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(JavaCommand.of(Main.class, "--enable-native-access=ALL-UNNAMED"));
        argv.addAll(argv.indexOf("-cp"), jvmOptions());
        argv.addAll(argv.indexOf("-cp"), jvmOptions);
        argv.addAll(List.of("serve", "--config", yaml.toAbsolutePath().toString()));
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("HEARTH_")); // it serves the bench's yaml, nothing else
        pb.environment().put("OPT_OUT_TRACKING", "true");
        Process p = pb.start();
        // a bench ended by Ctrl-C leaves no Hearth (and engine) serving; SIGTERM lets it stop its engine
        Runtime.getRuntime().addShutdownHook(new Thread(p::destroy, "hearth-child-stop"));
        Path log = dir.resolve("hearth.log");
        CompletableFuture<URI> serving = new CompletableFuture<>();
        Thread.ofVirtual().name("hearth-child-log").start(() -> copyLog(p, log, serving));
        try {
            return new HearthChild(p, serving.get(60, TimeUnit.SECONDS));
        } catch (Exception e) {
            p.destroyForcibly();
            throw new IOException("hearth serve did not start (see " + log + "): " + e.getMessage(), e);
        }
    }

    /** Hearth's own JVM options, as the launcher gives them ({@code dev/hearth/jvm.options}). */
    static List<String> jvmOptions() throws IOException {
        try (var in = HearthChild.class.getResourceAsStream("/dev/hearth/jvm.options")) {
            if (in == null) throw new IOException("dev/hearth/jvm.options is missing from the class path");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        }
    }

    /** Copies the child's output to its log, completing {@code serving} with the address it announces. */
    private static void copyLog(Process p, Path log, CompletableFuture<URI> serving) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
             Writer out = Files.newBufferedWriter(log)) {
            for (String line; (line = in.readLine()) != null; ) {
                out.write(line);
                out.write('\n');
                int at = line.indexOf(SERVING);
                if (at >= 0 && !serving.isDone()) {
                    out.flush();
                    String rest = line.substring(at + SERVING.length()).strip();
                    serving.complete(URI.create(rest.split("\\s+")[0]));
                }
            }
        } catch (IOException | RuntimeException e) {
            serving.completeExceptionally(e);
        }
        serving.completeExceptionally(new IOException("it ended its output without announcing an address"));
    }

    URI baseUri() { return base; }

    /**
     * CPU time (user + system) this Hearth has used so far, not counting its engines, and the part
     * of it its JIT compiler threads spent: a Hearth started for the bench is still compiling its
     * request path during the first thousands of requests, which one that has served for a while is not.
     */
    Cpu cpu() {
        return new Cpu(process.toHandle().info().totalCpuDuration().orElse(Duration.ZERO), jit(process.pid()));
    }

    record Cpu(Duration total, Duration jit) {
        static final Cpu ZERO = new Cpu(Duration.ZERO, Duration.ZERO);

        Cpu minus(Cpu before) { return new Cpu(total.minus(before.total), jit.minus(before.jit)); }

        Cpu plus(Cpu more) { return new Cpu(total.plus(more.total), jit.plus(more.jit)); }
    }

    /**
     * The CPU time of the JVM's compiler threads ("C1 CompilerThread0", "C2 CompilerThread1"…) from
     * Linux's /proc/PID/task/TID/stat (utime and stime, in the kernel's USER_HZ ticks of 10 ms); zero
     * where there is no /proc.
     */
    static Duration jit(long pid) {
        long ticks = 0;
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                ticks += compilerTicks(task.resolve("stat"));
            }
        } catch (IOException | RuntimeException noProc) {
            return Duration.ZERO;
        }
        return Duration.ofMillis(ticks * 10);
    }

    static long compilerTicks(Path stat) {
        try {
            String line = Files.readString(stat);
            int open = line.indexOf('('), close = line.lastIndexOf(')');
            if (open < 0 || close < open || !line.substring(open + 1, close).contains("CompilerThre")) return 0;
            // after "(comm) ": state, ppid, … with utime and stime the 12th and 13th fields
            String[] f = line.substring(close + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException threadEnded) {
            return 0;
        }
    }

    /** The model's concurrency limit as Hearth reports it: "8 (llama-server --parallel 4, 2 per slot)". */
    String maxConcurrency(String model) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/api/models/" + model)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new IOException("model " + model + ": " + r.statusCode() + " " + r.body());
        com.fasterxml.jackson.databind.JsonNode m = dev.hearth.Json.MAPPER.readTree(r.body());
        return m.path("max_concurrency").asInt() + " (" + m.path("max_concurrency_source").asText() + ")";
    }

    /**
     * Where the engine this Hearth started listens: the one TCP port among its descendant processes
     * ({@link ListeningPorts}), on loopback, where Hearth starts its engines. The bench sends the
     * direct path and nginx there, so all three are measured in front of the same engine.
     *
     * @throws IOException no engine is listening (the model is not loaded), or more than one is
     */
    URI engineUrl() throws IOException {
        List<Integer> ports = process.descendants().flatMap(p -> ListeningPorts.of(p.pid()).stream()).distinct().toList();
        if (ports.size() != 1) {
            throw new IOException("expected Hearth's one engine listening on one port, found " + ports);
        }
        return URI.create("http://127.0.0.1:" + ports.getFirst());
    }

    /** Unloads a model and waits until it is unloaded, as {@code POST /api/models/{m}/unload} does. */
    void unload(String model) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/api/models/" + model + "/unload"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new IOException("unload " + model + ": " + r.statusCode() + " " + r.body());
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy(); // SIGTERM: Hearth stops its engines, then exits
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }
}
