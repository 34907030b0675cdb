package dev.hearth.api.lightx2v;

import dev.hearth.api.Fields;
import dev.hearth.api.Views;
import dev.hearth.gateway.ClientText;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.Json;
import dev.hearth.jobs.Dialect;
import dev.hearth.jobs.Job;
import dev.hearth.jobs.JobService;
import dev.hearth.jobs.JobService.InputSource;
import dev.hearth.jobs.JobState;
import dev.hearth.media.Multipart;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * LightX2V's {@code /v1/tasks} fields ↔ Hearth's job (lightx2v/server/schema.py, task_manager.py).
 *
 * <ul>
 * <li>{@code target_shape} is {@code [height, width]}, as LightX2V's runners read it
 *     ({@code target_shape[0]} is the height); Hearth's size is "WxH".</li>
 * <li>{@code target_video_length} is a frame count: seconds = frames / fps, where fps is
 *     {@code target_fps}, else the model's default fps, else 16 (Wan's rate, LightX2V's usual
 *     model; 81 frames at 16 fps is its default 5-second clip).</li>
 * <li>Fields a client leaves out take the model's {@code defaults}, not LightX2V's (5 steps,
 *     81 frames, seed 42), so one configuration governs every dialect.</li>
 * <li>{@code model} is Hearth's addition; absent, the first video model serves the task.</li>
 * <li>{@code task_id} sent by a client is ignored: Hearth ids are unguessable, and the answer
 *     carries the id to poll. {@code save_result_path}, {@code num_fragments} and the audio
 *     fields are ignored too.</li>
 * </ul>
 */
final class LightX2vMapper {
    static final double FALLBACK_FPS = 16;
    static final String IMAGE_FILE = "image_file";

    /** Canonical parameter → LightX2V field, for the core's 400 messages. */
    static final Map<String, String> PARAM_NAMES = Map.of(
            "prompt", "prompt",
            "negative_prompt", "negative_prompt",
            "size", "target_shape",
            "seconds", "target_video_length",
            "fps", "target_fps",
            "steps", "infer_steps",
            "seed", "seed",
            "image", "image_path",
            "enhance_prompt", "use_prompt_enhancer");

    private LightX2vMapper() {}

    static Optional<String> model(ObjectNode body) {
        return Fields.text(body, "model");
    }

    /**
     * @param imageFile     the form's {@code image_file} upload, or null (JSON body)
     * @param model         the resolved model name
     * @param modelDefaults the model's configured defaults (for the fps that turns frames into seconds)
     */
    static JobService.Submission submission(ObjectNode body, Multipart.Upload imageFile, String model,
                                            Map<String, Object> modelDefaults) {
        ObjectNode p = Json.object();
        Fields.text(body, "prompt").ifPresent(s -> p.put("prompt", s));
        Fields.text(body, "negative_prompt").filter(s -> !s.isEmpty()).ifPresent(s -> p.put("negative_prompt", s));
        Fields.intAtLeast(body, "infer_steps", 1).ifPresent(v -> p.put("steps", v));
        targetShape(body).ifPresent(s -> p.put("size", s));
        OptionalInt fps = Fields.intAtLeast(body, "target_fps", 1);
        fps.ifPresent(v -> p.put("fps", v));
        OptionalInt frames = Fields.intAtLeast(body, "target_video_length", 1);
        if (frames.isPresent()) {
            double rate = fps.isPresent() ? fps.getAsInt() : defaultFps(modelDefaults);
            p.put("seconds", frames.getAsInt() / rate);
        }
        Fields.integer(body, "seed").ifPresent(v -> p.put("seed", v));
        boolean enhance = Fields.bool(body, "use_prompt_enhancer").orElse(false);

        Map<String, InputSource> inputs = new LinkedHashMap<>();
        Optional<String> imagePath = Fields.text(body, "image_path").filter(s -> !s.isBlank());
        if (imageFile != null) {
            if (imagePath.isPresent()) {
                throw Fields.bad("image_path", "send either image_file or image_path, not both");
            }
            inputs.put("image", new InputSource.Upload(imageFile));
        } else {
            imagePath.ifPresent(v -> inputs.put("image", new InputSource.Reference("image_path", v)));
        }
        return new JobService.Submission(model, null, Dialect.LIGHTX2V, p, inputs, 0, enhance, PARAM_NAMES);
    }

    /** {@code [h, w]} (or that list as JSON text, from a form) → "WxH"; {@code []} means unset. */
    static Optional<String> targetShape(ObjectNode body) {
        JsonNode n = body.get("target_shape");
        if (n == null || n.isNull()) {
            return Optional.empty();
        }
        if (n.isTextual()) {
            String text = n.asText().strip();
            if (text.isEmpty()) {
                return Optional.empty();
            }
            try {
                n = Json.MAPPER.readTree(text);
            } catch (java.io.IOException e) {
                throw Fields.bad("target_shape", "expected [height, width] such as [480, 832]");
            }
        }
        if (!(n instanceof ArrayNode a)) {
            throw Fields.bad("target_shape", "expected [height, width] such as [480, 832]");
        }
        if (a.isEmpty()) {
            return Optional.empty();
        }
        if (a.size() != 2 || !a.get(0).canConvertToInt() || !a.get(0).isIntegralNumber()
                || !a.get(1).isIntegralNumber() || !a.get(1).canConvertToInt()
                || a.get(0).asInt() < 1 || a.get(1).asInt() < 1) {
            throw Fields.bad("target_shape", "expected [height, width] of two positive integers, got " + a);
        }
        return Optional.of(a.get(1).asInt() + "x" + a.get(0).asInt());
    }

    static double defaultFps(Map<String, Object> defaults) {
        Object fps = defaults == null ? null : defaults.get("fps");
        if (fps instanceof Number n && n.doubleValue() > 0) {
            return n.doubleValue();
        }
        if (fps != null) {
            try {
                double d = Double.parseDouble(fps.toString());
                if (d > 0) {
                    return d;
                }
            } catch (NumberFormatException ignored) {
                // a bad default is the config's problem; use the fallback here
            }
        }
        return FALLBACK_FPS;
    }

    /** LightX2V's TaskStatus names. */
    static String state(JobState s) {
        return switch (s) {
            case QUEUED -> "pending";
            case RUNNING, CANCELLING -> "processing";
            case SUCCEEDED -> "completed";
            case FAILED -> "failed";
            case CANCELLED -> "cancelled";
        };
    }

    /** The file name a finished task's video downloads as (LightX2V's default save path). */
    static String resultName(Job job) {
        return job.id() + ".mp4";
    }

    /** POST /v1/tasks/ answer: TaskResponse. */
    static LightX2vDtos.TaskResponse created(Job job) {
        return new LightX2vDtos.TaskResponse(job.id(), state(job.state()), resultName(job));
    }

    /**
     * GET /v1/tasks/{id}/status: task_manager.get_task_status()'s fields, plus Hearth's
     * {@code progress} (0–100), {@code queue_position}, {@code model} and {@code created_at}.
     */
    static LightX2vDtos.TaskStatus status(Job job, OptionalInt queuePosition) {
        return new LightX2vDtos.TaskStatus(job.id(), state(job.state()),
                Views.iso(job.times().started() != null ? job.times().started() : job.times().created()),
                Views.iso(job.times().finished()), error(job), resultName(job), Views.percent(job),
                queuePosition.isPresent() ? queuePosition.getAsInt() : null, job.model(),
                Views.iso(job.times().created()));
    }

    private static String error(Job job) {
        String code = job.failure().code();
        String message = ClientText.of(job.failure().message(), job.model());
        if (job.state() == JobState.CANCELLED) {
            return message != null ? message : "Task cancelled by user";
        }
        if (message == null && code == null) {
            return null;
        }
        return code == null ? message : message == null ? code : code + ": " + message;
    }
}
