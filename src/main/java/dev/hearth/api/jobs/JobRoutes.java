package dev.hearth.api.jobs;

import dev.hearth.gateway.Callers;
import dev.hearth.BadRequestException;
import dev.hearth.Json;
import dev.hearth.Principal;
import dev.hearth.gateway.Routes;
import dev.hearth.gateway.SseWriter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.jobs.Dialect;
import dev.hearth.jobs.Job;
import dev.hearth.jobs.JobService;
import dev.hearth.jobs.JobService.InputSource;
import dev.hearth.jobs.JobState;
import dev.hearth.jobs.store.JobQuery;
import dev.hearth.gateway.RangeSender;
import dev.hearth.observe.EventBus;
import dev.hearth.api.PeerForward;
import dev.hearth.config.ProxyTimeouts;
import dev.hearth.gateway.Proxy;
import dev.hearth.media.AudioInputs;
import dev.hearth.media.MultipartBody;
import java.net.URI;
import java.net.http.HttpRequest;
import dev.hearth.media.Multipart;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Hearth's native job API: {@code POST/GET /v1/jobs}, {@code GET/DELETE /v1/jobs/{id}},
 * {@code GET /v1/jobs/{id}/events} (SSE: one {@code job} event per change, ending after a final
 * state) and {@code GET /v1/jobs/{id}/outputs/{name}} (HTTP Range).
 */
public final class JobRoutes {
    private static final Duration REREAD = Duration.ofSeconds(1);
    private static final int DEFAULT_LIMIT = 20;

    private final JobService jobs;
    private final SseWriter sse;
    private final AudioInputs recordings;

    /**
     * @param recordings how an uploaded recording is parsed (its cap is media.max_audio_bytes)
     * @param peers      the other nodes: a job for a model only another node serves is submitted there
     */
    public JobRoutes(JobService jobs, SseWriter sse, AudioInputs recordings, PeerForward peers) {
        this.jobs = jobs;
        this.sse = sse;
        this.recordings = recordings;
        this.peers = peers;
    }

    private final PeerForward peers;

    /**
     * Several nodes: a job for a model this node has no entry for, that another live node serves, is
     * submitted on that node (it checks it against its own entry); the shared queue then shows it
     * everywhere. Returns whether the request was answered so.
     */
    private boolean elsewhere(ServerRequest req, ServerResponse res, String model, HttpRequest.BodyPublisher body,
                              String type) {
        if (model == null || !peers.may(req) || jobs.serves(model)) return false;
        URI peer = peers.serving(model).orElse(null);
        if (peer == null) return false;
        peers.forward(req, res, model, peer, body, type, false, java.util.List.of(Proxy.DONE), ProxyTimeouts.DEFAULTS);
        return true;
    }

    public void register(HttpRouting.Builder r) {
        r.post("/v1/jobs", this::create);
        r.get("/v1/jobs", this::list);
        r.get("/v1/jobs/{id}", (req, res) -> Routes.json(res, 200, json(req, jobs(req).get(id(req)))));
        r.delete("/v1/jobs/{id}", (req, res) -> Routes.json(res, 200, json(req, jobs(req).cancel(id(req)))));
        r.get("/v1/jobs/{id}/events", this::events);
        r.get("/v1/jobs/{id}/outputs/{name}", this::output);
        r.head("/v1/jobs/{id}/outputs/{name}", this::output);
    }

    private static String id(ServerRequest req) {
        return req.path().pathParameters().get("id");
    }

    /** The jobs as this request's caller may see them ({@link JobService#as}). */
    private JobService jobs(ServerRequest req) {
        return jobs.as(Callers.of(req));
    }

    /** The job as the native API shows it; its {@code owner} only to admins. */
    private JobView json(ServerRequest req, Job j) {
        return JobJson.of(j, j.state().terminal() ? null : jobs.position(j.id()), Callers.of(req).admin());
    }

    private void create(ServerRequest req, ServerResponse res) {
        String type = req.headers().first(HeaderNames.CONTENT_TYPE).orElse("");
        if (type.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            createFromForm(req, res, type);
            return;
        }
        byte[] bytes = Routes.body(req);
        ObjectNode body = Json.parseObject(bytes);
        String model = text(body, "model", true);
        if (elsewhere(req, res, model, dev.hearth.gateway.Proxy.bytes(bytes), "application/json")) return;
        JsonNode p = body.get("params");
        if (p != null && !p.isNull() && !p.isObject()) throw new BadRequestException("'params' must be an object.", "params");
        ObjectNode params = p == null || p.isNull() ? Json.object() : ((ObjectNode) p).deepCopy();
        for (String k : List.of("prompt", "negative_prompt")) {
            JsonNode v = body.get(k);
            if (v != null && !v.isNull()) params.set(k, v);
        }
        Map<String, InputSource> inputs = new LinkedHashMap<>();
        String image = text(body, "image", false);
        if (image != null) inputs.put("image", new InputSource.Reference("image", image));
        String audio = text(body, "audio", false);
        if (audio != null) inputs.put("audio", new InputSource.Reference("audio", audio));
        int priority = 0;
        JsonNode pr = body.get("priority");
        if (pr != null && !pr.isNull()) {
            if (!pr.canConvertToInt() || !pr.isIntegralNumber()) {
                throw new BadRequestException("'priority' must be a whole number.", "priority");
            }
            priority = pr.asInt();
        }
        JsonNode enhance = body.get("enhance_prompt");
        boolean enhancePrompt = enhance != null && enhance.asBoolean(false);
        Job job = jobs(req).submit(new JobService.Submission(model, text(body, "task", false), Dialect.NATIVE, params,
                inputs, priority, enhancePrompt, Map.of()));
        Routes.json(res, 200, JobJson.of(job, jobs.accepted(job), Callers.of(req).admin()));
    }

    /**
     * A job as multipart/form-data, for a recording too large for JSON: the part {@code file} (or
     * {@code audio}, or {@code image}), the fields {@code model}, {@code task}, {@code priority},
     * {@code params} (a JSON object), and any other field as one more param ({@code language=en}).
     */
    private void createFromForm(ServerRequest req, ServerResponse res, String type) {
        try (Multipart.Form form = recordings.parseMultipart(Routes.bodyStream(req), type,
                req.headers().contentLength().orElse(-1))) {
            Map<String, String> f = form.fields();
            String model = f.get("model");
            if (model == null || model.isBlank()) throw new BadRequestException("'model' is required.", "model");
            if (peers.may(req) && !jobs.serves(model)) {
                MultipartBody again = new MultipartBody();
                f.forEach(again::field);
                form.files().values().forEach(u -> again.file(u.field(), u.filename() == null ? u.field() : u.filename(),
                        u.contentType() == null ? "application/octet-stream" : u.contentType(), u.path()));
                if (elsewhere(req, res, model, again.publisher(), again.contentType())) return;
            }
            ObjectNode params = Json.object();
            if (f.get("params") != null) {
                if (!(Json.parseObject(f.get("params").getBytes(java.nio.charset.StandardCharsets.UTF_8))
                        instanceof ObjectNode given)) {
                    throw new BadRequestException("'params' must be a JSON object.", "params");
                }
                params.setAll(given);
            }
            f.forEach((k, v) -> {
                if (!FORM_FIELDS.contains(k)) params.put(k, v);
            });
            int priority = 0;
            if (f.get("priority") != null) {
                try {
                    priority = Integer.parseInt(f.get("priority").strip());
                } catch (NumberFormatException e) {
                    throw new BadRequestException("'priority' must be a whole number.", "priority");
                }
            }
            Map<String, InputSource> inputs = new LinkedHashMap<>();
            for (Multipart.Upload u : form.files().values()) {
                String name = u.field().equals("file") ? "audio" : u.field();
                if (!name.equals("audio") && !name.equals("image")) {
                    throw new BadRequestException("'" + u.field() + "': expected the file as the part 'file', 'audio'"
                            + " or 'image'.", u.field());
                }
                inputs.put(name, new InputSource.Upload(u));
            }
            Job job = jobs(req).submit(new JobService.Submission(model, f.get("task"), Dialect.NATIVE, params, inputs,
                    priority, "true".equalsIgnoreCase(f.get("enhance_prompt")), Map.of()));
            Routes.json(res, 200, JobJson.of(job, jobs.accepted(job), Callers.of(req).admin()));
        }
    }

    private static final Set<String> FORM_FIELDS = Set.of("model", "task", "priority", "params", "enhance_prompt");

    private static String text(ObjectNode body, String key, boolean required) {
        JsonNode v = body.get(key);
        if (v == null || v.isNull()) {
            if (required) throw new BadRequestException("'" + key + "' is required.", key);
            return null;
        }
        if (!v.isTextual()) throw new BadRequestException("'" + key + "' must be a string.", key);
        return v.asText();
    }

    private void list(ServerRequest req, ServerResponse res) {
        int limit = DEFAULT_LIMIT;
        String l = req.query().first("limit").orElse(null);
        if (l != null) {
            try {
                limit = Integer.parseInt(l.strip());
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit >= JobQuery.MAX_LIMIT) {
                throw new BadRequestException("'limit' must be a whole number from 1 to " + (JobQuery.MAX_LIMIT - 1)
                        + ".", "limit");
            }
        }
        Set<JobState> states = new LinkedHashSet<>();
        for (String s : req.query().all("state", List::of)) {
            for (String one : s.split(",")) {
                if (one.isBlank()) continue;
                try {
                    states.add(JobState.fromWire(one.strip()));
                } catch (IllegalArgumentException e) {
                    throw new BadRequestException("'state' must be one of " + Arrays.stream(JobState.values())
                            .map(JobState::wire).toList() + ", got '" + one.strip() + "'.", "state");
                }
            }
        }
        String model = req.query().first("model").orElse(null);
        String after = req.query().first("after").orElse(null);
        List<Job> page = jobs(req).list(new JobQuery(model, states, null, after, limit + 1, true));
        Routes.json(res, 200, new JobView.Page("list",
                page.stream().limit(limit).map(j -> json(req, j)).toList(), page.size() > limit));
    }

    private void output(ServerRequest req, ServerResponse res) {
        String id = id(req);
        String name = req.path().pathParameters().get("name");
        dev.hearth.Blob file = jobs(req).output(id, name);
        String type = jobs(req).get(id).outputs().stream().filter(o -> o.name().equals(name)).findFirst()
                .map(o -> o.contentType().toLowerCase(Locale.ROOT)).orElse("application/octet-stream");
        RangeSender.send(req, res, file, type);
    }

    /**
     * Subscribes before reading the job, so no change falls between the first event and the
     * stream; an event older than one already sent (two threads published out of order) is dropped.
     * Changes made by another node sharing the database publish nothing here, so a quiet second
     * re-reads the job and sends it if it moved.
     */
    private void events(ServerRequest req, ServerResponse res) {
        String id = id(req);
        JobService jobs = jobs(req);
        jobs.get(id); // 404 before the stream starts
        SseWriter.Stream<Job> stream = sse.stream(4096);
        try (EventBus.Subscription sub = jobs.subscribe(id, stream)) {
            stream.accept(jobs.get(id)); // a 404 when the job was deleted meanwhile
            sse.write(res, stream, null, REREAD, new SseWriter.Feed<>() {
                private Job sent;

                @Override
                public boolean send(Job j, SseWriter.Out out) throws Exception {
                    if (sent != null && j.version() < sent.version()) return true;
                    sent = j;
                    out.event("job", json(req, j));
                    return !j.state().terminal();
                }

                @Override
                public boolean quiet(SseWriter.Out out) throws Exception {
                    Job now = jobs.get(id); // a job deleted meanwhile ends the stream
                    return sent != null && !moved(sent, now) || send(now, out);
                }
            });
        }
    }

    private static boolean moved(Job before, Job now) {
        return now.version() != before.version() || now.progress().fraction() != before.progress().fraction()
                || now.outputs().size() != before.outputs().size();
    }
}
