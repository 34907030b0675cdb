package dev.hearth.api.videosdgx;

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

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * VideosDGX's per-model API fields ↔ Hearth's job (the README's /generate and /jobs/{id}
 * examples). The model is the one the route belongs to, never a body field. Besides the README's
 * {@code prompt, duration, resolution, fps, seed, guidance_scale} it takes diffusers' names
 * {@code negative_prompt}, {@code num_inference_steps} and an {@code image} (URL, data URI or
 * base64) for image-to-video models.
 */
final class VideosDgxMapper {
    static final Map<String, String> PARAM_NAMES = Map.of(
            "prompt", "prompt",
            "negative_prompt", "negative_prompt",
            "size", "resolution",
            "seconds", "duration",
            "fps", "fps",
            "steps", "num_inference_steps",
            "guidance_scale", "guidance_scale",
            "seed", "seed",
            "image", "image");

    private VideosDgxMapper() {}

    static JobService.Submission submission(ObjectNode body, String model) {
        ObjectNode p = Json.object();
        p.put("prompt", Fields.requiredText(body, "prompt"));
        Fields.text(body, "negative_prompt").filter(s -> !s.isEmpty()).ifPresent(s -> p.put("negative_prompt", s));
        Fields.positive(body, "duration").ifPresent(v -> p.put("seconds", v));
        Fields.size(body, "resolution").ifPresent(s -> p.put("size", s));
        Fields.intAtLeast(body, "fps", 1).ifPresent(v -> p.put("fps", v));
        Fields.intAtLeast(body, "num_inference_steps", 1).ifPresent(v -> p.put("steps", v));
        Fields.number(body, "guidance_scale").ifPresent(v -> {
            if (v < 0) {
                throw Fields.bad("guidance_scale", "must be at least 0, got " + Fields.plain(v));
            }
            p.put("guidance_scale", v);
        });
        Fields.integer(body, "seed").ifPresent(v -> p.put("seed", v));
        Map<String, InputSource> inputs = new LinkedHashMap<>();
        Fields.text(body, "image").filter(s -> !s.isBlank())
                .ifPresent(v -> inputs.put("image", new InputSource.Reference("image", v)));
        return new JobService.Submission(model, null, Dialect.VIDEOSDGX, p, inputs, 0, false, PARAM_NAMES);
    }

    /** VideosDGX's job states; it had no cancel, so a cancelled job shows as failed. */
    static String state(JobState s) {
        return switch (s) {
            case QUEUED -> "queued";
            case RUNNING, CANCELLING -> "processing";
            case SUCCEEDED -> "completed";
            case FAILED, CANCELLED -> "failed";
        };
    }

    /** POST /generate's answer. */
    static ObjectNode created(Job job, JobService.Position position, boolean modelLoaded) {
        ObjectNode o = Json.object();
        o.put("job_id", job.id());
        o.put("status", state(job.state()));
        putInt(o, "queue_position", position.queuePosition());
        putLong(o, "estimated_time_seconds", position.etaSeconds());
        o.put("model_loaded", modelLoaded);
        return o;
    }

    /**
     * GET /jobs/{id}: the README's fields, plus {@code resolution}, {@code fps}, {@code seed},
     * {@code queue_position} and {@code download_url}. {@code output_path} is the file on the
     * server, as VideosDGX showed its container path.
     */
    static ObjectNode job(Job job, OptionalInt queuePosition, String downloadUrl) {
        ObjectNode params = Views.params(job);
        ObjectNode o = Json.object();
        o.put("job_id", job.id());
        o.put("model_name", job.model());
        o.put("status", state(job.state()));
        o.put("prompt", job.originalPrompt() != null ? job.originalPrompt() : job.prompt());
        o.set("duration", orNull(params.get("seconds")));
        o.put("created_at", Views.iso(job.times().created()));
        o.put("started_at", Views.iso(job.times().started()));
        o.put("completed_at", Views.iso(job.times().finished()));
        o.put("output_path", job.state() == JobState.SUCCEEDED
                ? Views.output(job, Views.VIDEO).map(out -> out.path()).orElse(null) : null);
        o.put("error", error(job));
        o.put("progress", Views.percent(job));
        o.set("resolution", orNull(params.get("size")));
        o.set("fps", orNull(params.get("fps")));
        o.set("seed", orNull(params.get("seed")));
        putInt(o, "queue_position", queuePosition);
        o.put("download_url", job.state() == JobState.SUCCEEDED ? downloadUrl : null);
        return o;
    }

    private static String error(Job job) {
        String message = ClientText.of(job.failure().message(), job.model());
        if (job.state() == JobState.CANCELLED) {
            return "cancelled" + (message == null ? "" : ": " + message);
        }
        return message != null ? message : job.failure().code();
    }

    private static void putInt(ObjectNode o, String field, OptionalInt v) {
        if (v.isPresent()) {
            o.put(field, v.getAsInt());
        } else {
            o.putNull(field);
        }
    }

    private static void putLong(ObjectNode o, String field, OptionalLong v) {
        if (v.isPresent()) {
            o.put(field, v.getAsLong());
        } else {
            o.putNull(field);
        }
    }

    static JsonNode orNull(JsonNode n) {
        return n == null ? Json.MAPPER.nullNode() : n;
    }
}
