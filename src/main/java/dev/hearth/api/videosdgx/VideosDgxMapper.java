package dev.hearth.api.videosdgx;

import dev.hearth.api.Fields;
import dev.hearth.api.Views;
import dev.hearth.gateway.ClientText;
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
    static VideosDgxDtos.Created created(Job job, JobService.Position position, boolean modelLoaded) {
        return new VideosDgxDtos.Created(job.id(), state(job.state()), boxed(position.queuePosition()),
                position.etaSeconds().isPresent() ? position.etaSeconds().getAsLong() : null, modelLoaded);
    }

    /**
     * GET /jobs/{id}: the README's fields, plus {@code resolution}, {@code fps}, {@code seed},
     * {@code queue_position} and {@code download_url}. {@code output_path} is the file on the
     * server, as VideosDGX showed its container path.
     */
    static VideosDgxDtos.JobStatus job(Job job, OptionalInt queuePosition, String downloadUrl) {
        return job(job, queuePosition, downloadUrl, Views.output(job, Views.VIDEO).map(out -> out.path()).orElse(null));
    }

    /** @param outputPath the video's file on this node, or null */
    static VideosDgxDtos.JobStatus job(Job job, OptionalInt queuePosition, String downloadUrl, String outputPath) {
        ObjectNode params = Views.params(job);
        boolean succeeded = job.state() == JobState.SUCCEEDED;
        return new VideosDgxDtos.JobStatus(job.id(), job.model(), state(job.state()),
                job.originalPrompt() != null ? job.originalPrompt() : job.prompt(), params.get("seconds"),
                Views.iso(job.times().created()), Views.iso(job.times().started()), Views.iso(job.times().finished()),
                succeeded ? outputPath : null,
                error(job), Views.percent(job), params.get("size"), params.get("fps"), params.get("seed"),
                boxed(queuePosition), succeeded ? downloadUrl : null);
    }

    private static String error(Job job) {
        String message = ClientText.of(job.failure().message(), job.model());
        if (job.state() == JobState.CANCELLED) {
            return "cancelled" + (message == null ? "" : ": " + message);
        }
        return message != null ? message : job.failure().code();
    }

    private static Integer boxed(OptionalInt v) {
        return v.isPresent() ? v.getAsInt() : null;
    }
}
