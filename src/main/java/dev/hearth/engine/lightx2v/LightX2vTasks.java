package dev.hearth.engine.lightx2v;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.engine.JobRequest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/**
 * Hearth's canonical job params → a LightX2V {@code POST /v1/tasks/} body, the reverse of
 * {@code jobs.api.LightX2vMapper} (lightx2v/server/schema.py's TaskRequest):
 *
 * <ul>
 * <li>size "WxH" → {@code target_shape [h, w]} (LightX2V reads {@code target_shape[0]} as the height);</li>
 * <li>fps → {@code target_fps}; seconds × fps → {@code target_video_length}, a frame count; without an
 *     fps, LightX2V's own 16 (81 frames = its 5-second clip);</li>
 * <li>steps → {@code infer_steps}; seed, prompt, negative_prompt as they are; guidance_scale is passed
 *     as {@code guidance_scale} (a server whose schema lacks it ignores it: pydantic drops unknown fields);</li>
 * <li>the image input → {@code image_path} as a base64 data URI, which the server decodes itself, so
 *     it needs no access to Hearth's files.</li>
 * </ul>
 */
final class LightX2vTasks {
    static final ObjectMapper JSON = new ObjectMapper();
    static final double LIGHTX2V_FPS = 16;

    private LightX2vTasks() {}

    static ObjectNode body(JobRequest req) throws IOException {
        ObjectNode p = req.params();
        ObjectNode b = JSON.createObjectNode();
        text(p, "prompt").ifPresent(s -> b.put("prompt", s));
        text(p, "negative_prompt").ifPresent(s -> b.put("negative_prompt", s));
        JsonNode size = p.get("size");
        if (size != null && size.isTextual()) {
            String[] wh = size.asText().strip().split("x");
            if (wh.length == 2) b.putArray("target_shape").add(Integer.parseInt(wh[1])).add(Integer.parseInt(wh[0]));
        }
        JsonNode fps = p.get("fps");
        if (fps != null && fps.isNumber()) b.put("target_fps", fps.asInt());
        JsonNode seconds = p.get("seconds");
        if (seconds != null && seconds.isNumber()) {
            double rate = fps != null && fps.isNumber() ? fps.asDouble() : LIGHTX2V_FPS;
            b.put("target_video_length", Math.max(1, Math.round(seconds.asDouble() * rate)));
        }
        JsonNode steps = p.get("steps");
        if (steps != null && steps.isNumber()) b.put("infer_steps", steps.asInt());
        JsonNode seed = p.get("seed");
        if (seed != null && seed.isNumber()) b.put("seed", seed.asLong());
        JsonNode guidance = p.get("guidance_scale");
        if (guidance != null && guidance.isNumber()) b.put("guidance_scale", guidance.asDouble());
        String image = req.inputs().get("image");
        if (image != null) b.put("image_path", dataUri(Path.of(image)));
        return b;
    }

    static String dataUri(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        return "data:" + imageType(bytes) + ";base64," + Base64.getEncoder().encodeToString(bytes);
    }

    /** By the file's first bytes: Hearth stores inputs under its own names, not always with an extension. */
    static String imageType(byte[] b) {
        if (b.length >= 8 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') return "image/png";
        if (b.length >= 3 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xd8) return "image/jpeg";
        if (b.length >= 12 && b[0] == 'R' && b[1] == 'I' && b[8] == 'W' && b[9] == 'E' && b[10] == 'B') return "image/webp";
        if (b.length >= 4 && b[0] == 'G' && b[1] == 'I' && b[2] == 'F') return "image/gif";
        return "application/octet-stream";
    }

    private static java.util.Optional<String> text(ObjectNode p, String k) {
        JsonNode v = p.get(k);
        return v != null && v.isTextual() && !v.asText().isEmpty() ? java.util.Optional.of(v.asText()) : java.util.Optional.empty();
    }

    /**
     * A task's {@code progress} (a percentage, as Hearth's own LightX2V dialect reports it) as 0..1,
     * or -1 when the server reports none, as LightX2V itself does.
     */
    static double progress(JsonNode status) {
        JsonNode p = status.get("progress");
        if (p == null || !p.isNumber()) return -1;
        return Math.max(0, Math.min(1, p.asDouble() / 100));
    }

    /** The server's words for why a task failed: its {@code error}, else FastAPI's {@code detail}. */
    static String error(JsonNode status) {
        for (String k : new String[] {"error", "detail", "message"}) {
            JsonNode e = status.get(k);
            if (e != null && !e.isNull()) return e.isTextual() ? e.asText() : e.toString();
        }
        return null;
    }
}
