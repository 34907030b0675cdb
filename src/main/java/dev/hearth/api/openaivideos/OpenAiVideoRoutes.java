package dev.hearth.api.openaivideos;

import dev.hearth.gateway.Callers;
import dev.hearth.api.Fields;
import dev.hearth.api.JobNotReadyException;
import dev.hearth.api.Views;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.catalog.Catalog;
import dev.hearth.catalog.ModelSpec;
import dev.hearth.BadRequestException;
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

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * OpenAI's {@code /v1/videos} on Hearth's job queue, so the OpenAI SDKs' {@code videos} client
 * works against any configured video model. While a video is not finished, create and retrieve
 * answer with {@code openai-poll-after-ms}, as OpenAI does.
 */
public final class OpenAiVideoRoutes {
    static final String POLL_AFTER = "openai-poll-after-ms";
    static final long POLL_AFTER_MS = 2000;
    private static final int DEFAULT_LIMIT = 20;
    private static final int MAX_LIMIT = 100;

    private final JobService jobs;
    private final Catalog catalog;
    private final Inputs inputs;
    private final Duration retention;

    /** @param retention how long finished jobs are kept ({@code expires_at}); null or zero = forever */
    public OpenAiVideoRoutes(JobService jobs, Catalog catalog, Inputs inputs, Duration retention) {
        this.jobs = jobs;
        this.catalog = catalog;
        this.inputs = inputs;
        this.retention = retention;
    }

    public void register(HttpRouting.Builder r) {
        r.post("/v1/videos", this::create);
        r.get("/v1/videos", this::list);
        r.get("/v1/videos/{id}", (req, res) -> answer(res, jobs(req).get(id(req))));
        r.delete("/v1/videos/{id}", this::delete);
        r.get("/v1/videos/{id}/content", this::content);
    }

    /** The jobs as this request's caller may see them: a user key's own only. */
    private JobService jobs(ServerRequest req) {
        return jobs.as(Callers.of(req));
    }

    private void create(ServerRequest req, ServerResponse res) {
        String type = req.headers().first(HeaderNames.CONTENT_TYPE).orElse("");
        if (type.toLowerCase(Locale.ROOT).startsWith("multipart/")) {
            try (Multipart.Form form = inputs.parseMultipart(Routes.bodyStream(req), type,
                    req.headers().contentLength().orElse(-1))) {
                answer(res, submit(jobs(req), Fields.fromForm(form.fields()), form.files().get("input_reference")));
            }
        } else {
            answer(res, submit(jobs(req), Json.parseObject(Routes.body(req)), null));
        }
    }

    private Job submit(JobService jobs, ObjectNode body, Multipart.Upload inputReference) {
        ModelSpec spec = Views.model(catalog, OpenAiVideoMapper.model(body), "model");
        return jobs.submit(OpenAiVideoMapper.submission(body, inputReference, spec.name()));
    }

    private void answer(ServerResponse res, Job job) {
        if (!job.state().terminal()) {
            res.header(POLL_AFTER, Long.toString(POLL_AFTER_MS));
        }
        Routes.json(res, 200, OpenAiVideoMapper.video(job, retention));
    }

    private void list(ServerRequest req, ServerResponse res) {
        int limit = limit(req.query().first("limit").orElse(null));
        String order = req.query().first("order").orElse("desc").toLowerCase(Locale.ROOT);
        if (!order.equals("asc") && !order.equals("desc")) {
            throw new BadRequestException("order: expected \"asc\" or \"desc\", got \"" + order + "\".", "order");
        }
        JobQuery q = JobQuery.newest(limit + 1);
        if (order.equals("asc")) {
            q = q.ascending();
        }
        JobService jobs = jobs(req);
        String after = req.query().first("after").orElse(null);
        if (after != null && !after.isBlank()) {
            jobs.get(after); // 404 for a cursor that names no video, rather than an empty page
            q = q.after(after);
        }
        List<Job> got = jobs.list(q);
        boolean more = got.size() > limit;
        Routes.json(res, 200, OpenAiVideoMapper.list(more ? got.subList(0, limit) : got, more, retention));
    }

    private static int limit(String text) {
        if (text == null || text.isBlank()) {
            return DEFAULT_LIMIT;
        }
        try {
            int n = Integer.parseInt(text.strip());
            if (n >= 1 && n <= MAX_LIMIT) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // the message below
        }
        throw new BadRequestException("limit: expected an integer from 1 to " + MAX_LIMIT + ", got \"" + text + "\".",
                "limit");
    }

    private void delete(ServerRequest req, ServerResponse res) {
        JobService jobs = jobs(req);
        Job job = jobs.get(id(req));
        jobs.delete(job.id());
        Routes.json(res, 200, OpenAiVideoMapper.deleted(job.id()));
    }

    private void content(ServerRequest req, ServerResponse res) {
        String variant = req.query().first("variant").orElse("video");
        String name = switch (variant) {
            case "video" -> Views.VIDEO;
            case "thumbnail" -> Views.THUMBNAIL;
            default -> throw new BadRequestException("variant: expected \"video\" or \"thumbnail\", got \""
                    + variant + "\".", "variant");
        };
        JobService jobs = jobs(req);
        Job job = jobs.get(id(req));
        if (job.state() != JobState.SUCCEEDED) {
            throw new JobNotReadyException(job, OpenAiVideoMapper.state(job.state()));
        }
        String type = Views.output(job, name).map(JobOutput::contentType)
                .orElse(name.equals(Views.VIDEO) ? "video/mp4" : "image/jpeg");
        RangeSender.send(req, res, jobs.output(job.id(), name), type);
    }

    private static String id(ServerRequest req) {
        return req.path().pathParameters().get("id");
    }
}
