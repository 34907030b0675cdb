package dev.hearth.engine;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

/**
 * A tiny OpenAI-ish server that misbehaves on request, run as a real child process by the
 * engine tests (and in-process for the remote tests). It answers {@code /health} and
 * {@code /v1/models}: 503 while "loading", 200 once ready.
 *
 * <pre>
 * --port N               listen port (0 = any)
 * --delay-ready-ms N     answer 503 for N ms before becoming ready
 * --log-every-ms N       while not ready, print "compiling step i" every N ms
 * --exit-after-ms N      exit (halt) after N ms with --exit-code C (default 1)
 * --spawn-grandchild     start a sleeping child process sharing our output, print its pid
 * --ignore-sigterm       keep running after SIGTERM (only SIGKILL ends it)
 * --no-health            /health answers 404 (readiness must fall back to /v1/models)
 * --print-lines N        print N numbered lines at start
 * </pre>
 */
public final class TinyServer implements AutoCloseable {

    record Options(int port, long delayReadyMs, long logEveryMs, long exitAfterMs, int exitCode,
                   boolean spawnGrandchild, boolean ignoreSigterm, boolean noHealth, int printLines) {

        static Options parse(List<String> args) {
            int port = 0;
            long delay = 0;
            long logEvery = 0;
            long exitAfter = -1;
            int exitCode = 1;
            boolean grandchild = false;
            boolean ignoreTerm = false;
            boolean noHealth = false;
            int lines = 0;
            for (int i = 0; i < args.size(); i++) {
                switch (args.get(i)) {
                    case "--port" -> port = Integer.parseInt(args.get(++i));
                    case "--delay-ready-ms" -> delay = Long.parseLong(args.get(++i));
                    case "--log-every-ms" -> logEvery = Long.parseLong(args.get(++i));
                    case "--exit-after-ms" -> exitAfter = Long.parseLong(args.get(++i));
                    case "--exit-code" -> exitCode = Integer.parseInt(args.get(++i));
                    case "--spawn-grandchild" -> grandchild = true;
                    case "--ignore-sigterm" -> ignoreTerm = true;
                    case "--no-health" -> noHealth = true;
                    case "--print-lines" -> lines = Integer.parseInt(args.get(++i));
                    default -> throw new IllegalArgumentException("unknown flag " + args.get(i));
                }
            }
            return new Options(port, delay, logEvery, exitAfter, exitCode, grandchild, ignoreTerm, noHealth, lines);
        }
    }

    private final Options options;
    private final HttpServer server;
    private final long readyAtNanos;

    private TinyServer(Options options) throws IOException {
        this.options = options;
        this.readyAtNanos = System.nanoTime() + options.delayReadyMs() * 1_000_000;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), options.port()), 16);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    /** In-process server (no exit, no grandchild, no signal games): for the remote engine tests. */
    static TinyServer start(String... args) throws IOException {
        return new TinyServer(Options.parse(List.of(args)));
    }

    int port() { return server.getAddress().getPort(); }

    boolean ready() { return System.nanoTime() - readyAtNanos >= 0; }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        int status;
        String body;
        if (path.equals("/health") && !options.noHealth()) {
            status = ready() ? 200 : 503;
            body = ready() ? "{\"status\":\"ok\"}" : "{\"status\":\"loading\"}";
        } else if (path.equals("/v1/models")) {
            status = ready() ? 200 : 503;
            body = "{\"object\":\"list\",\"data\":[{\"id\":\"tiny\",\"object\":\"model\"}]}";
        } else {
            status = 404;
            body = "{\"error\":{\"message\":\"not found\"}}";
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (var out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    public static void main(String[] args) throws Exception {
        var o = Options.parse(List.of(args));
        installSigtermHook(o.ignoreSigterm());
        System.out.println("tiny: pid " + ProcessHandle.current().pid());
        for (int i = 1; i <= o.printLines(); i++) {
            System.out.printf("tiny: line %04d%n", i);
        }
        if (o.spawnGrandchild()) {
            // inheritIO: like a real server's workers, it holds the log pipe open
            Process p = new ProcessBuilder("sleep", "600").inheritIO().start();
            System.out.println("tiny: grandchild pid " + p.pid());
        }
        if (o.exitAfterMs() >= 0) {
            Thread.ofPlatform().start(() -> {
                sleepQuietly(o.exitAfterMs());
                System.out.println("tiny: fatal error, exiting with code " + o.exitCode());
                System.out.flush();
                Runtime.getRuntime().halt(o.exitCode());
            });
        }
        var tiny = new TinyServer(o);
        System.out.println("tiny: listening on port " + tiny.port());
        int step = 0;
        while (!tiny.ready()) {
            if (o.logEveryMs() > 0) {
                System.out.println("tiny: compiling step " + (++step));
                sleepQuietly(o.logEveryMs());
            } else {
                sleepQuietly(Math.max(1, Math.min(50, (tiny.readyAtNanos - System.nanoTime()) / 1_000_000)));
            }
        }
        System.out.println("tiny: ready");
        new CountDownLatch(1).await(); // serve until killed
    }

    private static void installSigtermHook(boolean ignore) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (ignore) {
                // A shutdown hook that never returns keeps the JVM alive: only SIGKILL ends it.
                System.out.println("tiny: got SIGTERM, ignoring it");
                System.out.flush();
                var forever = new ArrayList<Object>();
                synchronized (forever) {
                    while (true) {
                        try {
                            forever.wait();
                        } catch (InterruptedException ignored) {
                            // keep ignoring
                        }
                    }
                }
            }
            System.out.println("tiny: shutting down");
        }));
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
