package dev.hearth.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Follows a job on {@code GET /v1/jobs/{id}/events} until it ends, drawing its state, stage,
 * step/steps and an ETA; shared by {@code jobs submit --wait} and {@code jobs watch}. Every wait
 * ends: the stream is reopened after {@link #SILENCE} without a line (Hearth sends keep-alive
 * comments more often), and the whole follow gives up at the caller's deadline.
 */
final class JobFollower {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    static final Set<String> TERMINAL = Set.of("succeeded", "failed", "cancelled");
    private static final Duration SILENCE = Duration.ofMinutes(2);
    private static final String END = "\u0000end";

    private final ApiClient api;
    private final Progress progress;
    private double firstProgress = -1;
    private long firstProgressAt;

    JobFollower(ApiClient api, Progress progress) {
        this.api = api;
        this.progress = progress;
    }

    /** Thrown with a message for the user: the stream was refused, or the deadline passed. */
    static final class FollowException extends Exception {
        FollowException(String message) {
            super(message);
        }
    }

    /** @return the job in its final state */
    JsonNode follow(String id, Duration timeout) throws IOException, InterruptedException, FollowException {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            HttpResponse<InputStream> r = api.stream("/v1/jobs/" + id + "/events");
            if (r.statusCode() != 200) {
                byte[] body;
                try (InputStream in = r.body()) {
                    body = in.readAllBytes();
                }
                JsonNode json = body.length == 0 ? MAPPER.createObjectNode() : parseOrEmpty(body);
                throw new FollowException(ApiClient.error(new ApiClient.Answer(r.statusCode(), json)));
            }
            Optional<JsonNode> end = read(r.body(), deadline);
            if (end.isPresent()) {
                draw(end.get(), true);
                progress.finish();
                return end.get();
            }
            // the stream ended or fell silent before the job did: ask once, then listen again
            ApiClient.Answer now = api.get("/v1/jobs/" + id);
            if (now.status() != 200) throw new FollowException(ApiClient.error(now));
            last = now.body();
            if (TERMINAL.contains(last.path("state").asText())) {
                draw(last, true);
                progress.finish();
                return last;
            }
        }
        progress.finish();
        throw new FollowException("Gave up waiting for job " + id + " after " + Progress.duration(timeout.toSeconds())
                + (last == null ? "" : " (it is " + last.path("state").asText() + ")") + "; `hearth jobs watch " + id
                + "` follows it again");
    }

    /** Reads events until a final one (returned), the end of the stream, silence or the deadline (empty). */
    private Optional<JsonNode> read(InputStream body, long deadline) throws IOException, InterruptedException {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = Thread.ofVirtual().name("hearth-sse").start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                for (String l; (l = in.readLine()) != null; ) lines.add(l);
            } catch (IOException e) {
                // closed by us after silence, or the connection broke: both end this stream
            } finally {
                lines.add(END);
            }
        });
        try {
            StringBuilder data = new StringBuilder();
            while (true) {
                long left = Math.min(SILENCE.toNanos(), deadline - System.nanoTime());
                if (left <= 0) return Optional.empty();
                String line = lines.poll(left, TimeUnit.NANOSECONDS);
                if (line == null || line.equals(END)) return Optional.empty();
                if (line.startsWith("data:")) {
                    data.append(line.substring(5).strip());
                } else if (line.isEmpty() && !data.isEmpty()) {
                    JsonNode job = parseOrEmpty(data.toString().getBytes(StandardCharsets.UTF_8));
                    data.setLength(0);
                    if (!job.has("state")) continue;
                    if (TERMINAL.contains(job.path("state").asText())) return Optional.of(job);
                    draw(job, false);
                }
            }
        } finally {
            body.close();
            reader.interrupt();
        }
    }

    private static JsonNode parseOrEmpty(byte[] b) {
        try {
            return MAPPER.readTree(b);
        } catch (IOException e) {
            return MAPPER.createObjectNode();
        }
    }

    /** {@code j_… running [#####-----] 42% denoise 13/30 ETA 1m05s}. */
    void draw(JsonNode job, boolean force) {
        String state = job.path("state").asText();
        double p = job.path("progress").asDouble();
        StringBuilder s = new StringBuilder(job.path("id").asText()).append("  ").append(state);
        if (state.equals("queued")) {
            if (job.path("queue_position").canConvertToInt()) s.append(" (position ").append(job.path("queue_position").asInt()).append(')');
            if (job.path("eta_seconds").isNumber()) s.append("  starts in ~").append(Progress.duration(job.path("eta_seconds").asLong()));
            progress.show(s.toString(), force);
            return;
        }
        s.append("  ").append(Progress.bar(p, 24)).append(String.format(Locale.ROOT, " %3.0f%%", p * 100));
        if (job.path("stage").isTextual()) s.append("  ").append(job.path("stage").asText());
        if (job.path("steps").asInt() > 0) s.append(' ').append(job.path("step").asInt()).append('/').append(job.path("steps").asInt());
        if (!TERMINAL.contains(state)) s.append("  ETA ").append(Progress.duration(eta(p)));
        progress.show(s.toString(), force);
    }

    /** Seconds left at the pace seen since the first progress this follower saw; -1 while unknown. */
    private long eta(double p) {
        long now = System.nanoTime();
        if (firstProgress < 0 || p < firstProgress) {
            firstProgress = p;
            firstProgressAt = now;
            return -1;
        }
        double done = p - firstProgress;
        if (done <= 0) return -1;
        double rate = done / ((now - firstProgressAt) / 1e9);
        return (long) Math.ceil((1 - p) / rate);
    }

    /** Saves every output of a finished job into {@code dir}; returns the files written. */
    java.util.List<Path> download(JsonNode job, Path dir) throws IOException, InterruptedException, FollowException {
        Files.createDirectories(dir);
        java.util.List<Path> saved = new java.util.ArrayList<>();
        for (JsonNode o : job.path("outputs")) {
            String name = Path.of(o.path("name").asText()).getFileName().toString();
            Path file = dir.resolve(name);
            int status = api.download(o.path("url").asText(), file);
            if (status != 200) throw new FollowException("HTTP " + status + " downloading " + o.path("url").asText());
            saved.add(file);
            progress.note("saved " + file + " (" + Progress.bytes(Files.size(file)) + ")");
        }
        return saved;
    }

    /** The exit code and the line for a job that ended: 0 when it succeeded. */
    static int verdict(JsonNode job) {
        String state = job.path("state").asText();
        String id = job.path("id").asText();
        switch (state) {
            case "succeeded" -> {
                return 0;
            }
            case "cancelled" -> System.err.println("job " + id + " was cancelled");
            default -> {
                JsonNode e = job.path("error");
                System.err.println("job " + id + " " + state + (e.isObject()
                        ? ": " + e.path("message").asText() + " (" + e.path("code").asText() + ")" : ""));
            }
        }
        return 1;
    }
}
