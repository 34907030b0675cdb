package dev.hearth.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake Hugging Face hub, not the real one: the routes {@code hearth pull} uses, shaped as the
 * hub's — {@code GET /api/models/{repo}} with {@code siblings[].rfilename}, HEAD/GET
 * {@code /{repo}/resolve/{rev}/{file}} (a small file answers itself with a git ETag; an "LFS" file
 * answers with a 302 to a CDN route on another host name, {@code localhost} instead of
 * {@code 127.0.0.1}, carrying {@code X-Linked-Etag} (its sha256), {@code X-Linked-Size} and
 * {@code X-Repo-Commit}), Range requests on the CDN, and a token for "gated" repos. It records every
 * request, and can cut a first download mid-body, lie about a sha256, or hold downloads until
 * several are in flight at once.
 */
final class FakeHub implements AutoCloseable {
    record Request(String method, String path, String range, String authorization) {}

    static final class FileSpec {
        final byte[] content;
        final boolean lfs;
        boolean cutFirst;
        boolean wrongSha;
        /** The first download sends half the body and then nothing (until the test ends, at most 30 s). */
        boolean stallFirst;
        /** The size the hub announces, when it should not be the content's. */
        long announcedSize = -1;

        FileSpec(byte[] content, boolean lfs) {
            this.content = content;
            this.lfs = lfs;
        }
    }

    /** The commit every repo of this hub is at. */
    static final String COMMIT = "0123abcd0123abcd0123abcd0123abcd0123abcd";

    private final HttpServer server;
    final Map<String, Map<String, FileSpec>> repos = new ConcurrentHashMap<>();
    final Map<String, String> gated = new ConcurrentHashMap<>(); // repo → the token it wants
    final List<Request> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger maxInFlight = new AtomicInteger();
    /** When set, each CDN download waits (up to 10 s) until this many are in flight. */
    volatile CountDownLatch together;

    FakeHub() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    String endpoint() { return "http://127.0.0.1:" + server.getAddress().getPort(); }

    FileSpec put(String repo, String file, byte[] content, boolean lfs) {
        FileSpec f = new FileSpec(content, lfs);
        repos.computeIfAbsent(repo, r -> new LinkedHashMap<>()).put(file, f);
        return f;
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void handle(HttpExchange x) throws IOException {
        String path = x.getRequestURI().getRawPath();
        requests.add(new Request(x.getRequestMethod(), path, x.getRequestHeaders().getFirst("Range"),
                x.getRequestHeaders().getFirst("Authorization")));
        try (x) {
            if (path.startsWith("/api/models/")) {
                String repo = path.substring("/api/models/".length()).replaceFirst("/revision/.*$", "");
                if (!allowed(x, repo)) return;
                Map<String, FileSpec> files = repos.get(repo);
                if (files == null) {
                    send(x, 404, "{\"error\":\"Repository not found\"}");
                    return;
                }
                StringBuilder s = new StringBuilder("{\"id\":\"" + repo + "\",\"sha\":\"" + COMMIT + "\",\"siblings\":[");
                files.keySet().forEach(f -> s.append("{\"rfilename\":\"").append(f).append("\"},"));
                if (!files.isEmpty()) s.setLength(s.length() - 1);
                send(x, 200, s + "]}");
            } else if (path.startsWith("/cdn/")) {
                cdn(x, path.substring("/cdn/".length()));
            } else if (path.contains("/resolve/")) {
                resolve(x, path);
            } else {
                send(x, 404, "{\"error\":\"not found\"}");
            }
        }
    }

    private boolean allowed(HttpExchange x, String repo) throws IOException {
        String want = gated.get(repo);
        if (want == null || ("Bearer " + want).equals(x.getRequestHeaders().getFirst("Authorization"))) return true;
        send(x, 401, "{\"error\":\"Invalid credentials in Authorization header\"}");
        return false;
    }

    private void resolve(HttpExchange x, String path) throws IOException {
        int at = path.indexOf("/resolve/");
        String repo = path.substring(1, at);
        String rest = path.substring(at + "/resolve/".length());
        String file = java.net.URLDecoder.decode(rest.substring(rest.indexOf('/') + 1), StandardCharsets.UTF_8);
        if (!allowed(x, repo)) return;
        FileSpec f = repos.getOrDefault(repo, Map.of()).get(file);
        if (f == null) {
            x.getResponseHeaders().set("X-Error-Code", "EntryNotFound");
            send(x, 404, "Entry not found");
            return;
        }
        x.getResponseHeaders().set("X-Repo-Commit", COMMIT);
        if (f.lfs) {
            String sha = f.wrongSha ? sha256("something else".getBytes(StandardCharsets.UTF_8)) : sha256(f.content);
            x.getResponseHeaders().set("X-Linked-Etag", "\"" + sha + "\"");
            x.getResponseHeaders().set("X-Linked-Size", String.valueOf(f.announcedSize >= 0 ? f.announcedSize : f.content.length));
            x.getResponseHeaders().set("ETag", "\"" + sha + "\"");
            // another host name for the same server: the token must not follow the redirect
            x.getResponseHeaders().set("Location", "http://localhost:" + server.getAddress().getPort() + "/cdn/" + repo + "/" + file);
            x.sendResponseHeaders(302, -1);
            return;
        }
        x.getResponseHeaders().set("ETag", "\"" + sha256(f.content).substring(0, 40) + "\""); // a git blob id, not a sha256
        if (x.getRequestMethod().equals("HEAD")) {
            x.getResponseHeaders().set("Content-Length", String.valueOf(f.content.length));
            x.sendResponseHeaders(200, -1);
            return;
        }
        body(x, f, 0);
    }

    private void cdn(HttpExchange x, String rest) throws IOException {
        int slash = rest.indexOf('/', rest.indexOf('/') + 1);
        FileSpec f = repos.getOrDefault(rest.substring(0, slash), Map.of()).get(rest.substring(slash + 1));
        if (f == null) {
            send(x, 404, "no such blob");
            return;
        }
        long from = 0;
        String range = x.getRequestHeaders().getFirst("Range");
        if (range != null && range.startsWith("bytes=")) from = Long.parseLong(range.substring(6, range.indexOf('-')));
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        try {
            CountDownLatch t = together;
            if (t != null) {
                t.countDown();
                t.await(10, TimeUnit.SECONDS);
            }
            body(x, f, from);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private void body(HttpExchange x, FileSpec f, long from) throws IOException {
        int start = (int) Math.min(from, f.content.length);
        if (start > 0) {
            x.getResponseHeaders().set("Content-Range", "bytes " + start + "-" + (f.content.length - 1) + "/" + f.content.length);
        }
        int length = f.content.length - start;
        if (f.cutFirst) {
            // half the body, then the end of the response: the body stops short of the file's size, as a
            // dropped connection leaves it (the JDK's server keeps a fixed-length connection open when cut)
            f.cutFirst = false;
            x.sendResponseHeaders(start > 0 ? 206 : 200, 0);
            x.getResponseBody().write(f.content, start, length / 2);
            return;
        }
        x.sendResponseHeaders(start > 0 ? 206 : 200, length == 0 ? -1 : length);
        if (f.stallFirst) {
            f.stallFirst = false;
            x.getResponseBody().write(f.content, start, length / 2);
            x.getResponseBody().flush();
            try {
                closed.await(30, TimeUnit.SECONDS); // silent: the client must give up on its own
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        x.getResponseBody().write(f.content, start, length);
    }

    private static void send(HttpExchange x, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", body.startsWith("{") ? "application/json" : "text/plain");
        if (x.getRequestMethod().equals("HEAD")) {
            x.sendResponseHeaders(status, -1);
            return;
        }
        x.sendResponseHeaders(status, b.length);
        x.getResponseBody().write(b);
    }

    private final CountDownLatch closed = new CountDownLatch(1);

    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
    }
}
