package dev.hearth.api.lightx2v;

import dev.hearth.gateway.Callers;
import dev.hearth.api.Fields;
import dev.hearth.api.JobNotReadyException;
import dev.hearth.api.Views;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.catalog.Catalog;
import dev.hearth.catalog.Task;
import dev.hearth.catalog.ModelSpec;
import dev.hearth.Json;
import dev.hearth.Principal;
import dev.hearth.gateway.Routes;
import dev.hearth.jobs.Job;
import dev.hearth.jobs.JobOutput;
import dev.hearth.jobs.JobService;
import dev.hearth.jobs.JobState;
import dev.hearth.jobs.store.JobQuery;
import dev.hearth.media.Inputs;
import dev.hearth.media.Multipart;
import dev.hearth.gateway.RangeSender;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * LightX2V's task API (lightx2v/server/api) on Hearth's job queue, so scripts written for a
 * LightX2V server work against Hearth. Unknown ids are 404 and a result asked before the task
 * completed is 409, both in Hearth's error envelope (LightX2V itself answered 404 for both).
 */
public final class LightX2vRoutes {
    private static final int LIST_LIMIT = 1000;

    private final JobService jobs;
    private final Catalog catalog;
    private final Inputs inputs;

    public LightX2vRoutes(JobService jobs, Catalog catalog, Inputs inputs) {
        this.jobs = jobs;
        this.catalog = catalog;
        this.inputs = inputs;
    }

    public void register(HttpRouting.Builder r) {
        // FastAPI serves "/v1/tasks/" and redirects "/v1/tasks" to it; clients use both
        r.post("/v1/tasks/", this::create);
        r.post("/v1/tasks", this::create);
        r.post("/v1/tasks/form", this::createForm);
        r.get("/v1/tasks/", this::list);
        r.get("/v1/tasks", this::list);
        // literal paths before /{id}/…, which would take "queue" and "all" as ids
        r.get("/v1/tasks/queue/status", (req, res) -> Routes.json(res, 200, queueStatus(jobs(req))));
        r.delete("/v1/tasks/all/running", this::cancelAll);
        r.get("/v1/tasks/{id}/status", this::status);
        r.get("/v1/tasks/{id}/result", this::result);
        r.delete("/v1/tasks/{id}", this::cancel);
        r.get("/v1/service/status", (req, res) -> Routes.json(res, 200, serviceStatus(jobs(req))));
    }

    /** The jobs as this request's caller may see them: a user key's own only. */
    private JobService jobs(ServerRequest req) {
        return jobs.as(Callers.of(req));
    }

    private void create(ServerRequest req, ServerResponse res) {
        ObjectNode body = Json.parseObject(Routes.body(req));
        Routes.json(res, 200, LightX2vMapper.created(submit(jobs(req), body, null)));
    }

    private void createForm(ServerRequest req, ServerResponse res) {
        try (Multipart.Form form = inputs.parseMultipart(Routes.bodyStream(req),
                req.headers().first(HeaderNames.CONTENT_TYPE).orElse(null),
                req.headers().contentLength().orElse(-1))) {
            ObjectNode body = Fields.fromForm(form.fields());
            Routes.json(res, 200, LightX2vMapper.created(submit(jobs(req), body,
                    form.files().get(LightX2vMapper.IMAGE_FILE))));
        }
    }

    private Job submit(JobService jobs, ObjectNode body, Multipart.Upload imageFile) {
        ModelSpec spec = Views.model(catalog, LightX2vMapper.model(body), "model");
        return jobs.submit(LightX2vMapper.submission(body, imageFile, spec.name(), spec.defaults()));
    }

    /** task_manager.get_all_tasks(): {id: status}, oldest first, the newest {@value LIST_LIMIT}. */
    private void list(ServerRequest req, ServerResponse res) {
        List<Job> newest = jobs(req).list(JobQuery.newest(LIST_LIMIT));
        Map<String, LightX2vDtos.TaskStatus> all = new LinkedHashMap<>();
        for (Job job : newest.reversed()) {
            all.put(job.id(), LightX2vMapper.status(job, java.util.OptionalInt.empty()));
        }
        Routes.json(res, 200, all);
    }

    private void status(ServerRequest req, ServerResponse res) {
        JobService jobs = jobs(req);
        Job job = jobs.get(id(req));
        var position = job.state() == JobState.QUEUED ? jobs.position(job.id()).queuePosition()
                : java.util.OptionalInt.empty();
        Routes.json(res, 200, LightX2vMapper.status(job, position));
    }

    private void result(ServerRequest req, ServerResponse res) {
        JobService jobs = jobs(req);
        Job job = jobs.get(id(req));
        if (job.state() != JobState.SUCCEEDED) {
            throw new JobNotReadyException(job, LightX2vMapper.state(job.state()));
        }
        String type = Views.output(job, Views.VIDEO).map(JobOutput::contentType).orElse("video/mp4");
        RangeSender.send(req, res, jobs.output(job.id(), Views.VIDEO), type, LightX2vMapper.resultName(job));
    }

    /** StopTaskResponse: "success" when it was stopped, "do_nothing" when it had already ended. */
    private void cancel(ServerRequest req, ServerResponse res) {
        JobService jobs = jobs(req);
        Job job = jobs.get(id(req));
        if (job.state().terminal()) {
            Routes.json(res, 200, new LightX2vDtos.StopTaskResponse("do_nothing",
                    "Task already " + LightX2vMapper.state(job.state()) + "."));
        } else {
            jobs.cancel(job.id());
            Routes.json(res, 200, new LightX2vDtos.StopTaskResponse("success", "Task stopped successfully."));
        }
    }

    /**
     * As LightX2V's cancel_all_tasks(): every pending and processing task stops — of every model,
     * since this API speaks for the whole server; for a user key, every one of its own tasks.
     */
    private void cancelAll(ServerRequest req, ServerResponse res) {
        JobService jobs = jobs(req);
        java.util.Set<String> stopped = new java.util.LinkedHashSet<>();
        for (Job job : jobs.list(JobQuery.newest(JobQuery.MAX_LIMIT).states(Set.of(JobState.QUEUED)))) {
            JobState now = jobs.cancel(job.id()).state();
            if (now == JobState.CANCELLED || now == JobState.CANCELLING) {
                stopped.add(job.id());
            }
        }
        jobs.cancelRunning(null).forEach(j -> stopped.add(j.id()));
        Routes.json(res, 200, new LightX2vDtos.StopAllResponse("success",
                stopped.isEmpty() ? "No task was pending or running." : "All tasks stopped successfully.",
                List.copyOf(stopped)));
    }

    /** The LightX2V queue: pending and processing counts against the video models' max_queue. */
    LightX2vDtos.QueueStatus queueStatus(JobService jobs) {
        JobService.QueueStatus q = jobs.queue(null);
        int size = queueSize();
        return new LightX2vDtos.QueueStatus(q.running() > 0, current(q), q.queued(), q.queued() + q.running(),
                size, Math.max(0, size - q.queued()), q.queuedIds(), q.runningIds());
    }

    /** task_manager.get_service_status(); the totals count the jobs the store still holds. */
    LightX2vDtos.ServiceStatus serviceStatus(JobService jobs) {
        JobService.QueueStatus q = jobs.queue(null);
        JobQuery all = JobQuery.newest(JobQuery.MAX_LIMIT);
        return new LightX2vDtos.ServiceStatus(q.running() > 0 ? "busy" : "idle", current(q), q.runningIds(),
                q.queued(), queueSize(), Views.count(jobs, all),
                Views.count(jobs, all.states(Set.of(JobState.SUCCEEDED))),
                Views.count(jobs, all.states(Set.of(JobState.FAILED))));
    }

    private static String current(JobService.QueueStatus q) {
        return q.runningIds().isEmpty() ? null : q.runningIds().getFirst();
    }

    private int queueSize() {
        return catalog.byTask(Task.VIDEO).stream().mapToInt(ModelSpec::maxQueue).sum();
    }

    private static String id(ServerRequest req) {
        return req.path().pathParameters().get("id");
    }
}
