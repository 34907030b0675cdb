package dev.hearth.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.BadRequestException;
import dev.hearth.Json;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A job's parameters: the model's {@code defaults} under what the client sent, checked once here
 * so that every dialect refuses the same bad value with a 400 that names its own field.
 */
final class JobParams {
    static final int MAX_SECONDS = 60;
    private static final Pattern SIZE = Pattern.compile("(\\d{1,5})x(\\d{1,5})");

    private JobParams() {}

    /**
     * @param defaults  the model's configured defaults
     * @param given     the dialect's mapped params (may be null)
     * @param paramName canonical name → the dialect's name, for messages
     */
    static ObjectNode merge(Map<String, Object> defaults, ObjectNode given, Map<String, String> paramName) {
        ObjectNode p = Json.MAPPER.valueToTree(defaults);
        if (given != null) {
            given.properties().forEach(e -> {
                if (!e.getValue().isNull()) p.set(e.getKey(), e.getValue());
            });
        }
        validate(p, paramName == null ? Map.of() : paramName);
        return p;
    }

    static void validate(ObjectNode p, Map<String, String> names) {
        JsonNode size = p.get("size");
        if (size != null) {
            Matcher m = size.isTextual() ? SIZE.matcher(size.asText().strip()) : null;
            if (m == null || !m.matches()) {
                throw bad(names, "size", "must look like 832x480 (width x height), got " + size);
            }
            int w = Integer.parseInt(m.group(1));
            int h = Integer.parseInt(m.group(2));
            if (w < 16 || h < 16 || w > 3840 || h > 3840 || w % 2 != 0 || h % 2 != 0) {
                throw bad(names, "size", "must have even sides from 16 to 3840, got " + size.asText());
            }
            p.put("size", w + "x" + h);
        }
        integer(p, names, "fps", 1, 120);
        JsonNode seconds = p.get("seconds");
        if (seconds != null) {
            double s = number(p, names, "seconds");
            if (!(s > 0) || s > MAX_SECONDS) {
                throw bad(names, "seconds", "must be greater than 0 and at most " + MAX_SECONDS + ", got " + seconds);
            }
        }
        integer(p, names, "steps", 1, 200);
        integer(p, names, "seed", Long.MIN_VALUE, Long.MAX_VALUE);
        if (p.has("guidance_scale")) number(p, names, "guidance_scale");
        for (String text : new String[] {"prompt", "negative_prompt"}) {
            JsonNode v = p.get(text);
            if (v != null && !v.isTextual()) throw bad(names, text, "must be text, got " + v);
        }
    }

    /** Units of work for the ETA: frames × denoising steps (1 for a source that has no steps). */
    /** Set by Hearth on a transcribe job: the recording's length, which is also its work for the ETA. */
    static final String AUDIO_SECONDS = "audio_seconds";

    static double units(ObjectNode p) {
        if (p.has(AUDIO_SECONDS)) return Math.max(1, p.path(AUDIO_SECONDS).asDouble(1));
        double fps = p.path("fps").asDouble(24);
        double seconds = p.path("seconds").asDouble(5);
        int steps = p.path("steps").asInt(1);
        return Math.max(1, Math.round(fps * seconds)) * (double) Math.max(1, steps);
    }

    private static void integer(ObjectNode p, Map<String, String> names, String key, long min, long max) {
        JsonNode v = p.get(key);
        if (v == null) return;
        long n;
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            n = v.asLong();
        } else if (v.isNumber() && v.asDouble() == Math.rint(v.asDouble()) && Math.abs(v.asDouble()) < 1e15) {
            n = (long) v.asDouble();
        } else if (v.isTextual() && v.asText().strip().matches("-?\\d{1,18}")) {
            n = Long.parseLong(v.asText().strip());
        } else {
            throw bad(names, key, "must be a whole number, got " + v);
        }
        if (n < min || n > max) throw bad(names, key, "must be from " + min + " to " + max + ", got " + n);
        p.put(key, n);
    }

    private static double number(ObjectNode p, Map<String, String> names, String key) {
        JsonNode v = p.get(key);
        double d;
        if (v.isNumber()) {
            d = v.asDouble();
        } else if (v.isTextual() && v.asText().strip().matches("-?\\d+(\\.\\d+)?")) {
            d = Double.parseDouble(v.asText().strip());
        } else {
            throw bad(names, key, "must be a number, got " + v);
        }
        if (!Double.isFinite(d)) throw bad(names, key, "must be a finite number, got " + v);
        p.put(key, d);
        return d;
    }

    static BadRequestException bad(Map<String, String> names, String key, String why) {
        String field = names.getOrDefault(key, key);
        return new BadRequestException("'" + field + "' " + why + ".", field);
    }
}
