package dev.hearth.api.openaivideos;

import dev.hearth.api.Fields;
import dev.hearth.api.Views;
import dev.hearth.gateway.ClientText;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.Json;
import dev.hearth.jobs.Dialect;
import dev.hearth.jobs.Job;
import dev.hearth.jobs.JobService;
import dev.hearth.jobs.JobService.InputSource;
import dev.hearth.jobs.JobState;
import dev.hearth.media.Multipart;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * OpenAI's videos API ({@code POST /v1/videos}: model, prompt, seconds, size, input_reference)
 * ↔ Hearth's job. {@code seconds} is a string in OpenAI ("4", "8", "12"); any positive number,
 * as a string or a JSON number, is accepted, since Hearth's models are not limited to Sora's
 * lengths. {@code model} may be left out: the first video model serves it (OpenAI defaults too).
 * {@code input_reference} is a multipart file, or in JSON a URL / data URI string or
 * {@code {"image_url": "…"}}.
 */
final class OpenAiVideoMapper {
    static final Map<String, String> PARAM_NAMES = Map.of(
            "prompt", "prompt",
            "size", "size",
            "seconds", "seconds",
            "image", "input_reference");

    private OpenAiVideoMapper() {}

    static Optional<String> model(ObjectNode body) {
        return Fields.text(body, "model");
    }

    static JobService.Submission submission(ObjectNode body, Multipart.Upload inputReference, String model) {
        ObjectNode p = Json.object();
        p.put("prompt", Fields.requiredText(body, "prompt"));
        Fields.positive(body, "seconds").ifPresent(v -> p.put("seconds", v));
        Fields.size(body, "size").ifPresent(s -> p.put("size", s));
        Map<String, InputSource> inputs = new LinkedHashMap<>();
        if (inputReference != null) {
            inputs.put("image", new InputSource.Upload(inputReference));
        } else {
            reference(body).ifPresent(v -> inputs.put("image", new InputSource.Reference("input_reference", v)));
        }
        return new JobService.Submission(model, null, Dialect.OPENAI, p, inputs, 0, false, PARAM_NAMES);
    }

    private static Optional<String> reference(ObjectNode body) {
        JsonNode n = body.get("input_reference");
        if (n == null || n.isNull()) {
            return Optional.empty();
        }
        if (n.isTextual() && !n.asText().isBlank()) {
            return Optional.of(n.asText());
        }
        if (n.isObject() && n.path("image_url").isTextual() && !n.path("image_url").asText().isBlank()) {
            return Optional.of(n.path("image_url").asText());
        }
        throw Fields.bad("input_reference", "expected an image file (multipart), a URL or data URI string, "
                + "or {\"image_url\": \"...\"}");
    }

    static String state(JobState s) {
        return switch (s) {
            case QUEUED -> "queued";
            case RUNNING, CANCELLING -> "in_progress";
            case SUCCEEDED -> "completed";
            case FAILED, CANCELLED -> "failed";
        };
    }

    /**
     * The video object. {@code expires_at} is when retention will delete a finished job's files
     * (null while it runs, or when retention is off).
     */
    static OpenAiVideoDtos.Video video(Job job, Duration retention) {
        ObjectNode params = Views.params(job);
        Instant finishedAt = job.times().finished();
        boolean finished = job.state().terminal() && finishedAt != null;
        Instant expiresAt = finished && retention != null && retention.isPositive() ? finishedAt.plus(retention) : null;
        JsonNode seconds = params.get("seconds");
        JsonNode size = params.get("size");
        return new OpenAiVideoDtos.Video(job.id(), "video", job.model(), state(job.state()), Views.percent(job),
                job.times().created().getEpochSecond(), epoch(finished ? finishedAt : null), epoch(expiresAt),
                seconds == null || !seconds.isNumber() ? null : Fields.plain(seconds.asDouble()),
                size == null ? null : size.asText(),
                job.originalPrompt() != null ? job.originalPrompt() : job.prompt(), null, error(job));
    }

    private static OpenAiVideoDtos.Error error(Job job) {
        Job.Failure f = job.failure();
        String message = f.message() != null ? ClientText.of(f.message(), job.model()) : null;
        return switch (job.state()) {
            case CANCELLED -> new OpenAiVideoDtos.Error("cancelled",
                    message != null ? message : "The video job was cancelled.");
            case FAILED -> new OpenAiVideoDtos.Error(f.code() != null ? f.code() : "failed",
                    message != null ? message : "The video job failed.");
            case QUEUED, RUNNING, CANCELLING, SUCCEEDED -> null;
        };
    }

    /** A page of GET /v1/videos. */
    static OpenAiVideoDtos.Page list(List<Job> page, boolean hasMore, Duration retention) {
        return new OpenAiVideoDtos.Page("list", page.stream().map(j -> video(j, retention)).toList(),
                page.isEmpty() ? null : page.getFirst().id(), page.isEmpty() ? null : page.getLast().id(), hasMore);
    }

    static OpenAiVideoDtos.Deleted deleted(String id) {
        return new OpenAiVideoDtos.Deleted(id, "video.deleted", true);
    }

    private static Long epoch(Instant t) {
        return t == null ? null : t.getEpochSecond();
    }
}
