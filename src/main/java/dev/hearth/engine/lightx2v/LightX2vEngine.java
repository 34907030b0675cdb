package dev.hearth.engine.lightx2v;

import dev.hearth.engine.Endpoint;
import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.catalog.ModelSpec;
import dev.hearth.HttpClients;
import dev.hearth.engine.Engine;
import dev.hearth.EngineException;
import dev.hearth.engine.JobEngine;
import dev.hearth.engine.LogBuffer;
import dev.hearth.engine.RemoteEngine;
import dev.hearth.engine.JobRequest;
import dev.hearth.engine.WorkerListener;
import dev.hearth.engine.WorkerRun;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A LightX2V server Hearth does not run ({@code engine: lightx2v}): each job becomes a task on its
 * {@code /v1/tasks} API, polled until it ends, so the server's users keep it and still get Hearth's
 * queue, budget and dialects. Like {@link RemoteEngine}, start() only waits for the health URL and
 * stop() leaves the server alone.
 *
 * <p>The model's memory defaults to 0: the remote's GPU is not in Hearth's budget. A user whose
 * LightX2V runs on this machine sets {@code memory} so that Hearth counts it.
 *
 * <p>The thread that calls {@link #run} drives the task alone; {@link #cancel} and {@link #stop} only
 * queue a signal to it, and it sends the {@code DELETE}. A status poll that fails is retried: only
 * {@code maxMissedPolls} failures in a row end the job as {@code remote_unreachable}.
 */
public final class LightX2vEngine implements Engine, JobEngine {
    static final String DEFAULT_HEALTH = "/v1/service/status";
    static final Duration DEFAULT_POLL = Duration.ofSeconds(1);
    static final int DEFAULT_MISSED_POLLS = 5;
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration DOWNLOAD_TIMEOUT = Duration.ofMinutes(10);

    private enum Signal { CANCEL, STOP }

    private final String model;
    private final String url;
    private final RemoteEngine health;
    private final HttpClient http;
    private final Duration pollEvery;
    private final int maxMissedPolls;
    private final Object lock = new Object();
    private boolean started;                              // guarded by lock
    private String currentJob;                            // guarded by lock
    private BlockingQueue<Signal> signals;                // guarded by lock: the running job's
    private CompletableFuture<Void> runEnded = CompletableFuture.completedFuture(null); // guarded by lock

    public LightX2vEngine(String model, URI url, String healthPath, Duration startTimeout, HttpClient http,
                          Duration pollEvery, int maxMissedPolls) {
        this.model = model;
        this.url = url.toString().replaceAll("/+$", "");
        this.http = http;
        this.health = new RemoteEngine(model, URI.create(this.url), healthPath, startTimeout, http,
                Duration.ofMillis(100), InstantSource.system());
        this.pollEvery = pollEvery;
        this.maxMissedPolls = maxMissedPolls;
    }

    /** From the configuration: {@code url}, {@code health}, {@code start_timeout}; {@code options.poll_interval_ms}. */
    public static LightX2vEngine of(ModelSpec m) {
        if (m.url() == null) {
            throw new IllegalArgumentException("model '" + m.name() + "': engine 'lightx2v' needs 'url'");
        }
        Object poll = m.options().get("poll_interval_ms");
        Duration every = poll instanceof Number n && n.longValue() > 0 ? Duration.ofMillis(n.longValue()) : DEFAULT_POLL;
        HttpClient http = HttpClients.engine(Duration.ofSeconds(5));
        return new LightX2vEngine(m.name(), m.url(), m.health() == null ? DEFAULT_HEALTH : m.health(),
                m.startTimeout(), http, every, DEFAULT_MISSED_POLLS);
    }

    @Override
    public String model() { return model; }

    @Override
    public void start() throws EngineException {
        health.start();
        synchronized (lock) {
            started = true;
        }
    }

    /** Leaves the server alone; a task running for Hearth is cancelled there (DELETE) before this returns. */
    @Override
    public void stop() {
        CompletableFuture<Void> ended;
        synchronized (lock) {
            started = false;
            if (signals != null) signals.add(Signal.STOP);
            ended = runEnded;
        }
        health.stop();
        try {
            ended.get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            logs().add("hearth: the running task did not end within " + REQUEST_TIMEOUT + " of stop: " + e);
        }
    }

    /** Never completes: Hearth does not own the server's life (see {@link RemoteEngine}). */
    @Override
    public CompletableFuture<String> crashed() { return new CompletableFuture<>(); }

    /** Not an OpenAI-compatible server: jobs reach it through {@link #run}, never the gateway's proxy. */
    @Override
    public Endpoint endpoint() { return new Endpoint.Jobs(this); }

    @Override
    public LogBuffer logs() { return health.logs(); }

    @Override
    public boolean cancel(String job) {
        synchronized (lock) {
            if (signals == null || !job.equals(currentJob)) return false;
            signals.add(Signal.CANCEL);
            return true;
        }
    }

    @Override
    public WorkerRun run(JobRequest req, WorkerListener listener) {
        BlockingQueue<Signal> mine = new LinkedBlockingQueue<>();
        CompletableFuture<Void> ended = new CompletableFuture<>();
        synchronized (lock) {
            if (!started) throw new IllegalStateException(prefix() + " is not started");
            if (currentJob != null) throw new IllegalStateException(prefix() + " is already running a job");
            currentJob = req.job();
            signals = mine;
            runEnded = ended;
        }
        try {
            return drive(req, listener, mine);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException(prefix() + " was interrupted during job " + req.job());
        } finally {
            synchronized (lock) {
                currentJob = null;
                signals = null;
            }
            ended.complete(null);
        }
    }

    private WorkerRun drive(JobRequest req, WorkerListener listener, BlockingQueue<Signal> mine)
            throws InterruptedException {
        String task;
        try {
            HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(url + "/v1/tasks/"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(LightX2vTasks.body(req).toString())));
            JsonNode answer = parse(r.body());
            if (r.statusCode() / 100 != 2 || !answer.path("task_id").isTextual()) {
                String why = answer.isMissingNode() ? r.body() : LightX2vTasks.error(answer);
                return new WorkerRun.Error("remote_rejected", "The LightX2V server at " + url + " refused the task (HTTP "
                        + r.statusCode() + "): " + why);
            }
            task = answer.get("task_id").asText();
        } catch (IOException e) {
            return new WorkerRun.Error("remote_unreachable", "The LightX2V server at " + url
                    + " could not be reached to submit the job: " + describe(e));
        }
        logs().add("hearth: job " + req.job() + " is LightX2V task " + task);
        return poll(req, listener, mine, task);
    }

    private WorkerRun poll(JobRequest req, WorkerListener listener, BlockingQueue<Signal> mine, String task)
            throws InterruptedException {
        int missed = 0;
        String lastProblem = null;
        String lastState = null;
        double lastProgress = -1;
        int steps = req.params().path("steps").asInt(0);
        while (true) {
            Signal s = mine.poll(pollEvery.toMillis(), TimeUnit.MILLISECONDS);
            if (s != null) {
                delete(task, req.job(), s == Signal.STOP ? "Hearth stopped the model" : "cancelled in Hearth");
                return new WorkerRun.Cancelled();
            }
            JsonNode status;
            try {
                HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(url + "/v1/tasks/" + task + "/status")).GET());
                if (r.statusCode() == 404) {
                    return new WorkerRun.Error("remote_task_lost", "The LightX2V server at " + url + " no longer knows task "
                            + task + " (restarted?).");
                }
                if (r.statusCode() / 100 != 2) throw new IOException("HTTP " + r.statusCode() + ": " + r.body());
                status = parse(r.body());
                missed = 0;
            } catch (IOException e) {
                lastProblem = describe(e);
                if (++missed >= maxMissedPolls) {
                    return new WorkerRun.Error("remote_unreachable", "The LightX2V server at " + url + " did not answer "
                            + missed + " status polls in a row for task " + task + ": " + lastProblem);
                }
                continue;
            }
            String state = status.path("status").asText(status.path("task_status").asText(""));
            switch (state) {
                case "completed" -> {
                    return download(req, listener, task);
                }
                case "failed" -> {
                    String why = LightX2vTasks.error(status);
                    return new WorkerRun.Error("remote_failed", "LightX2V task " + task + " failed: "
                            + (why == null ? "(the server gave no reason)" : why));
                }
                case "cancelled" -> {
                    return new WorkerRun.Error("remote_cancelled", "LightX2V task " + task
                            + " was cancelled on the LightX2V server itself.");
                }
                default -> {
                    double progress = Math.max(0, LightX2vTasks.progress(status));
                    if (!state.equals(lastState) || progress != lastProgress) {
                        int step = steps > 0 ? (int) Math.floor(progress * steps) : 0;
                        listener.progress(progress, state.isEmpty() ? "remote" : "remote " + state, step, steps);
                        lastState = state;
                        lastProgress = progress;
                    }
                }
            }
        }
    }

    /** GET …/result into {@code video.mp4}, written under a temp name and renamed, so no half file is ever seen. */
    private WorkerRun download(JobRequest req, WorkerListener listener, String task) {
        Path out = req.outputDir().resolve("video.mp4");
        Path tmp = req.outputDir().resolve(".video.mp4.part");
        try {
            HttpResponse<Path> r = http.send(HttpRequest.newBuilder(URI.create(url + "/v1/tasks/" + task + "/result"))
                    .timeout(DOWNLOAD_TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofFile(tmp));
            if (r.statusCode() / 100 != 2) {
                String body = Files.readString(tmp);
                Files.deleteIfExists(tmp);
                return new WorkerRun.Error("remote_result_failed", "LightX2V task " + task
                        + " completed but its result could not be downloaded (HTTP " + r.statusCode() + "): " + body);
            }
            Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the output dir is the job's; retention removes it
            }
            return new WorkerRun.Error("remote_result_failed", "LightX2V task " + task
                    + " completed but its result could not be downloaded from " + url + ": " + describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new WorkerRun.Cancelled();
        }
        listener.output(out, "video/mp4");
        return new WorkerRun.Done();
    }

    /** Best effort: a server that cannot be told still leaves the job cancelled in Hearth. */
    private void delete(String task, String job, String why) throws InterruptedException {
        try {
            HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(url + "/v1/tasks/" + task)).DELETE());
            logs().add("hearth: job " + job + " " + why + ": DELETE task " + task + " → HTTP " + r.statusCode() + " "
                    + r.body());
        } catch (IOException e) {
            logs().add("hearth: job " + job + " " + why + ", but task " + task + " could not be cancelled on " + url
                    + ": " + describe(e));
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws IOException, InterruptedException {
        return http.send(b.timeout(REQUEST_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode parse(String body) {
        try {
            return LightX2vTasks.JSON.readTree(body);
        } catch (IOException e) {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
    }

    private static String describe(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    private String prefix() {
        return "LightX2V engine for model '" + model + "'";
    }
}
