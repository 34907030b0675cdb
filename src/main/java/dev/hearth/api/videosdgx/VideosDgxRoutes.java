package dev.hearth.api.videosdgx;

import dev.hearth.gateway.Callers;
import dev.hearth.api.JobNotReadyException;
import dev.hearth.api.Views;
import dev.hearth.gateway.ClientText;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.catalog.Catalog;
import dev.hearth.catalog.Task;
import dev.hearth.catalog.ModelSpec;
import dev.hearth.Json;
import dev.hearth.Principal;
import dev.hearth.gateway.Routes;
import dev.hearth.jobs.Job;
import dev.hearth.jobs.JobNotFoundException;
import dev.hearth.jobs.JobOutput;
import dev.hearth.jobs.JobService;
import dev.hearth.jobs.JobState;
import dev.hearth.jobs.store.JobQuery;
import dev.hearth.gateway.RangeSender;
import dev.hearth.scheduler.ModelStatus;
import dev.hearth.scheduler.ModelScheduler;
import dev.hearth.scheduler.UnknownModelException;
import dev.hearth.scheduler.UnloadResult;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;

/**
 * VideosDGX's per-model API (one container per model, README "Endpoints Disponíveis") served by
 * Hearth for every job model: under {@code /models/{model}/…} on the main port, and at {@code /…}
 * on a model's own {@code port} through {@link #registerModel}, so scripts that talked to
 * {@code localhost:8001} keep working. {@code /ready} answers 200 whether or not the model is
 * loaded: Hearth loads it on the first job, so "not loaded" is not "not ready"; the body tells.
 * {@code /metrics} is a small JSON of job counts and timings for the model (Hearth's Prometheus
 * text is at the main port's {@code /metrics}).
 */
public final class VideosDgxRoutes {
    private static final double GIB = 1024.0 * 1024 * 1024;
    private static final int TIMING_SAMPLE = 100;

    private final JobService jobs;
    private final Catalog catalog;
    private final ModelScheduler models;

    public VideosDgxRoutes(JobService jobs, Catalog catalog, ModelScheduler models) {
        this.jobs = jobs;
        this.catalog = catalog;
        this.models = models;
    }

    /** Every job model under {@code /models/{model}/…}. */
    public void register(HttpRouting.Builder r) {
        routes(r, "/models/{model}", req -> spec(req.path().pathParameters().get("model")),
                spec -> "/models/" + spec.name());
    }

    /**
     * One model's routes under {@code prefix} ("" on the model's own port, where errors still need
     * the gateway's {@code r.error(Throwable.class, Errors::send)} on that routing).
     */
    public void registerModel(HttpRouting.Builder r, String prefix, String model) {
        String base = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        ModelSpec fixed = spec(model);
        routes(r, base, req -> fixed, spec -> base);
    }

    private void routes(HttpRouting.Builder r, String base, Function<ServerRequest, ModelSpec> model,
                        Function<ModelSpec, String> urlBase) {
        r.get(base.isEmpty() ? "/" : base, (req, res) -> Routes.json(res, 200, root(model.apply(req), urlBase)));
        if (!base.isEmpty()) {
            r.get(base + "/", (req, res) -> Routes.json(res, 200, root(model.apply(req), urlBase)));
        }
        r.get(base + "/health", (req, res) -> Routes.json(res, 200, health(model.apply(req))));
        r.get(base + "/ready", (req, res) -> Routes.json(res, 200, ready(model.apply(req))));
        r.get(base + "/info", (req, res) -> Routes.json(res, 200, info(jobs(req), model.apply(req))));
        r.post(base + "/generate", (req, res) -> generate(req, res, model.apply(req)));
        r.post(base + "/unload", (req, res) -> {
            Callers.of(req).requireAdmin("unloading a model");
            Routes.json(res, 200, unload(model.apply(req)));
        });
        r.get(base + "/queue/status", (req, res) -> Routes.json(res, 200, queue(jobs(req), model.apply(req))));
        r.get(base + "/jobs/{id}", (req, res) -> {
            ModelSpec spec = model.apply(req);
            Job job = job(spec, req);
            OptionalInt position = job.state() == JobState.QUEUED
                    ? jobs(req).position(job.id()).queuePosition() : OptionalInt.empty();
            // output_path: where the video is on this node (a job's files are named by key in the database)
            String path = Views.output(job, Views.VIDEO).map(o -> jobs(req).output(job.id(), o.name()).location())
                    .orElse(null);
            Routes.json(res, 200, VideosDgxMapper.job(job, position, urlBase.apply(spec) + "/jobs/" + job.id()
                    + "/download", path));
        });
        r.get(base + "/jobs/{id}/download", (req, res) -> download(req, res, model.apply(req)));
        r.get(base + "/metrics", (req, res) -> Routes.json(res, 200, metrics(jobs(req), model.apply(req))));
    }

    /** The jobs as this request's caller may see them: a user key's own only. */
    private JobService jobs(ServerRequest req) {
        return jobs.as(Callers.of(req));
    }

    /** Only video models have a VideosDGX API; a chat model's /models/{m}/… is as absent as an unknown one. */
    private ModelSpec spec(String name) {
        ModelSpec spec = catalog.resolve(name).orElseThrow(() -> new UnknownModelException(name));
        if (spec.task() != Task.VIDEO) {
            throw new NotAVideoModelException(spec);
        }
        return spec;
    }

    /** A job of this model; another model's job is as unknown here as it was in its own container. */
    private Job job(ModelSpec spec, ServerRequest req) {
        String id = req.path().pathParameters().get("id");
        Job job = jobs(req).get(id);
        if (!job.model().equals(spec.name())) {
            throw new JobNotFoundException(id);
        }
        return job;
    }

    private void generate(ServerRequest req, ServerResponse res, ModelSpec spec) {
        ObjectNode body = Json.parseObject(Routes.body(req));
        Job job = jobs(req).submit(VideosDgxMapper.submission(body, spec.name()));
        Routes.json(res, 200, VideosDgxMapper.created(job, jobs.accepted(job), loaded(spec)));
    }

    private void download(ServerRequest req, ServerResponse res, ModelSpec spec) {
        Job job = job(spec, req);
        if (job.state() != JobState.SUCCEEDED) {
            throw new JobNotReadyException(job, VideosDgxMapper.state(job.state()));
        }
        String type = Views.output(job, Views.VIDEO).map(JobOutput::contentType).orElse("video/mp4");
        RangeSender.send(req, res, jobs(req).output(job.id(), Views.VIDEO), type, job.id() + ".mp4");
    }

    private VideosDgxDtos.Root root(ModelSpec spec, Function<ModelSpec, String> urlBase) {
        String base = urlBase.apply(spec);
        return new VideosDgxDtos.Root("Hearth — VideosDGX API for " + spec.name(), spec.name(), loaded(spec),
                base.isEmpty() ? "/" : base, List.of("GET /", "GET /health", "GET /ready", "GET /info",
                        "POST /generate", "POST /unload", "GET /queue/status", "GET /jobs/{job_id}",
                        "GET /jobs/{job_id}/download", "GET /metrics"));
    }

    private VideosDgxDtos.Health health(ModelSpec spec) {
        return new VideosDgxDtos.Health("healthy", spec.name(), loaded(spec), Views.iso(Instant.now()));
    }

    private VideosDgxDtos.Ready ready(ModelSpec spec) {
        boolean loaded = loaded(spec);
        return new VideosDgxDtos.Ready(loaded, spec.name(), loaded, stateName(status(spec)));
    }

    private VideosDgxDtos.Info info(JobService jobs, ModelSpec spec) {
        Optional<ModelStatus> st = status(spec);
        boolean loaded = loaded(spec);
        JobService.QueueStatus q = jobs.queue(spec.name());
        return new VideosDgxDtos.Info(spec.name(), loaded, stateName(st), spec.engine().wire(),
                gb(st.map(ModelStatus::memoryBytes).orElse(Math.max(0, spec.memoryBytes()))), spec.defaults(), Views.iso(st.map(ModelStatus::loadedAt).orElse(null)),
                st.map(ModelStatus::lastError).map(e -> ClientText.of(e, spec.name())).orElse(null),
                new VideosDgxDtos.QueueCounts(q.queued(), q.running(), spec.maxQueue()),
                new VideosDgxDtos.Memory(gb(models.budgetBytes()), gb(models.usedBytes()),
                        gb(models.budgetBytes() - models.usedBytes())));
    }

    private VideosDgxDtos.Unloaded unload(ModelSpec spec) {
        UnloadResult u = models.unload(spec.name()).join();
        return new VideosDgxDtos.Unloaded(u.status(), spec.name(), gb(u.memoryFreedBytes()),
                new VideosDgxDtos.MemoryAfter(gb(models.usedBytes()), gb(models.budgetBytes() - models.usedBytes())));
    }

    private VideosDgxDtos.Queue queue(JobService jobs, ModelSpec spec) {
        JobService.QueueStatus q = jobs.queue(spec.name());
        return new VideosDgxDtos.Queue(spec.name(), q.queued(), q.running() > 0,
                q.runningIds().isEmpty() ? null : q.runningIds().getFirst(), spec.maxQueue(),
                q.queuedIds(), q.runningIds());
    }

    /** Counts by state, and generation times of the latest {@value TIMING_SAMPLE} completed jobs. */
    private VideosDgxDtos.Metrics metrics(JobService jobs, ModelSpec spec) {
        JobQuery mine = JobQuery.newest(JobQuery.MAX_LIMIT).model(spec.name());
        boolean loaded = loaded(spec);
        java.util.function.ToIntFunction<JobState> count = s -> Views.count(jobs, mine.states(Set.of(s)));
        var counts = new VideosDgxDtos.JobCounts(Views.count(jobs, mine), count.applyAsInt(JobState.QUEUED),
                count.applyAsInt(JobState.RUNNING), count.applyAsInt(JobState.CANCELLING),
                count.applyAsInt(JobState.SUCCEEDED), count.applyAsInt(JobState.FAILED),
                count.applyAsInt(JobState.CANCELLED));
        List<Job> done = jobs.list(JobQuery.newest(TIMING_SAMPLE).model(spec.name())
                .states(Set.of(JobState.SUCCEEDED)));
        double[] secs = done.stream().map(Job::times).filter(t -> t.started() != null && t.finished() != null)
                .mapToDouble(t -> Duration.between(t.started(), t.finished()).toMillis() / 1000.0).toArray();
        return new VideosDgxDtos.Metrics(spec.name(), loaded, counts, secs.length,
                secs.length > 0 ? round2(java.util.Arrays.stream(secs).average().orElse(0)) : null,
                secs.length > 0 ? round2(secs[0]) : null);
    }

    private static String stateName(Optional<ModelStatus> st) {
        return st.map(s -> s.state().wire()).orElse("unloaded");
    }

    private Optional<ModelStatus> status(ModelSpec spec) {
        return models.status().stream().filter(s -> s.name().equals(spec.name())).findFirst();
    }

    private boolean loaded(ModelSpec spec) {
        return status(spec).map(s -> s.state().serving()).orElse(false);
    }

    private static double gb(long bytes) {
        return round2(bytes / GIB);
    }

    private static double round2(double d) {
        return Math.round(d * 100) / 100.0;
    }
}
