package dev.hearth.engine.lightx2v;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A FAKE LightX2V server: no real LightX2V (nor a GPU) is available here, so this speaks just the
 * {@code /v1/tasks} API of lightx2v/server/api.py and task_manager.py on loopback, with a real
 * small MP4 (made by ffmpeg) as every task's result. It records what it was sent.
 *
 * <p>Each task follows the server's current {@link Mode}: {@code COMPLETE} answers processing at
 * 50% on the first status poll and completed on the next; {@code FAIL} answers failed with
 * {@link #FAILURE}; {@code HANG} stays processing until deleted.
 */
public final class FakeLightX2vServer implements AutoCloseable {
    public static final String FAILURE = "fake LightX2V: CUDA out of memory while denoising";
    private static final ObjectMapper JSON = new ObjectMapper();

    public enum Mode { COMPLETE, FAIL, HANG }

    private static final class Task {
        final Mode mode;
        volatile String status = "pending";
        volatile int polls;

        Task(Mode mode) { this.mode = mode; }
    }

    private final HttpServer server;
    private final byte[] video;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<String, Task> tasks = new ConcurrentHashMap<>();
    /** Bodies of POST /v1/tasks/, in order. */
    public final List<JsonNode> submitted = new CopyOnWriteArrayList<>();
    /** Task ids a DELETE reached. */
    public final List<String> deleted = new CopyOnWriteArrayList<>();
    public volatile Mode mode = Mode.COMPLETE;

    private FakeLightX2vServer(byte[] video) throws IOException {
        this.video = video;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    /** Starts on a free loopback port, serving a 1-second 320x240 MP4 made in {@code dir} by ffmpeg. */
    public static FakeLightX2vServer start(Path dir) throws IOException, InterruptedException {
        Path mp4 = dir.resolve("fake-lightx2v-result.mp4");
        Process p = new ProcessBuilder("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=10",
                "-t", "1", "-pix_fmt", "yuv420p", mp4.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IOException("ffmpeg failed: " + out);
        return new FakeLightX2vServer(Files.readAllBytes(mp4));
    }

    public URI url() { return URI.create("http://127.0.0.1:" + server.getAddress().getPort()); }

    public byte[] video() { return video.clone(); }

    public int tasks() { return tasks.size(); }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            String[] parts = path.split("/");   // "", v1, tasks, {id}, status|result
            if (method.equals("GET") && path.equals("/v1/service/status")) {
                json(ex, 200, JSON.createObjectNode().put("service_status", "idle").put("pending_tasks", 0));
            } else if (method.equals("POST") && path.equals("/v1/tasks/")) {
                submitted.add(JSON.readTree(ex.getRequestBody()));
                String id = "fake-task-" + ids.incrementAndGet();
                tasks.put(id, new Task(mode));
                json(ex, 200, JSON.createObjectNode().put("task_id", id).put("task_status", "pending")
                        .put("save_result_path", id));
            } else if (parts.length >= 4 && path.startsWith("/v1/tasks/") && tasks.containsKey(parts[3])) {
                task(ex, method, parts, tasks.get(parts[3]));
            } else {
                json(ex, 404, JSON.createObjectNode().put("detail", "Task not found"));
            }
        }
    }

    private void task(HttpExchange ex, String method, String[] parts, Task t) throws IOException {
        String id = parts[3];
        if (method.equals("DELETE") && parts.length == 4) {
            deleted.add(id);
            t.status = "cancelled";
            json(ex, 200, JSON.createObjectNode().put("stop_status", "success").put("reason", "Task stopped successfully."));
        } else if (method.equals("GET") && parts.length == 5 && parts[4].equals("status")) {
            ObjectNode o = JSON.createObjectNode().put("task_id", id);
            if (!t.status.equals("cancelled")) advance(t);
            o.put("status", t.status);
            o.put("error", t.status.equals("failed") ? FAILURE : null);
            if (t.status.equals("processing")) o.put("progress", 50);
            o.put("save_result_path", id + ".mp4");
            json(ex, 200, o);
        } else if (method.equals("GET") && parts.length == 5 && parts[4].equals("result")) {
            if (!t.status.equals("completed")) {
                json(ex, 404, JSON.createObjectNode().put("detail", "Task not completed"));
                return;
            }
            ex.getResponseHeaders().add("Content-Type", "video/mp4");
            ex.sendResponseHeaders(200, video.length);
            ex.getResponseBody().write(video);
        } else {
            json(ex, 405, JSON.createObjectNode().put("detail", "Method Not Allowed"));
        }
    }

    private static void advance(Task t) {
        int n = ++t.polls;
        t.status = switch (t.mode) {
            case COMPLETE -> n >= 2 ? "completed" : "processing";
            case FAIL -> "failed";
            case HANG -> "processing";
        };
    }

    private static void json(HttpExchange ex, int status, JsonNode body) throws IOException {
        byte[] b = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
    }

    /** Stops answering at once: the server "goes down" (connections are refused from now on). */
    @Override
    public void close() {
        server.stop(0);
    }

}
