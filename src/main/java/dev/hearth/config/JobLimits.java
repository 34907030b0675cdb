package dev.hearth.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a video worker accepts, by its own rules: advertised by the worker in its {@code ready}
 * message ({@code "limits":{…}}) and declarable statically under a model's {@code limits:} in
 * hearth.yaml (the output of {@code python3 -m hearth_worker --pipeline X --describe}), so that a job
 * that breaks them is refused at submit, before any model loads. Every field is optional: null = no
 * check; {@link #NONE} checks nothing (a worker whose {@code ready} has no limits).
 *
 * @param tasks        the tasks served (t2v, i2v, …)
 * @param sizeMultiple width and height must be multiples of this
 * @param maxSide      the largest width or height
 * @param frameStep    the frame count is {@code frameStep·k + 1} (seconds × fps is rounded to it)
 * @param maxFrames    the most frames after that rounding
 * @param maxSteps     the most denoising steps
 * @param maxSeconds   the longest video
 * @param maxFps       the highest frame rate
 * @param minSeed      the smallest seed
 * @param maxSeed      the largest seed
 * @param dtypes       the weight dtypes the worker can run (checked only when a job names a {@code dtype})
 */
public record JobLimits(List<String> tasks, Integer sizeMultiple, Integer maxSide, Integer frameStep, Integer maxFrames,
                        Integer maxSteps, Double maxSeconds, Integer maxFps, Long minSeed, Long maxSeed,
                        List<String> dtypes) {
    public static final JobLimits NONE = new JobLimits(null, null, null, null, null, null, null, null, null, null, null);

    /** The keys of the wire and of hearth.yaml, snake_case. */
    public static final List<String> KEYS = List.of("tasks", "size_multiple", "max_side", "frame_step", "max_frames",
            "max_steps", "max_seconds", "max_fps", "min_seed", "max_seed", "dtypes");

    private static final Pattern SIZE = Pattern.compile("\\s*(\\d{1,6})\\s*[xX*]\\s*(\\d{1,6})\\s*");

    public JobLimits {
        tasks = tasks == null ? null : List.copyOf(tasks);
        dtypes = dtypes == null ? null : List.copyOf(dtypes);
    }

    /** One broken rule: the canonical param ({@code size}, {@code steps}, …) and why. */
    public record Violation(String field, String message) { }

    /** These limits with the tasks of a {@code ready} message, when it names any. */
    public JobLimits withTasks(List<String> served) {
        if (served == null || served.isEmpty()) return this;
        return new JobLimits(served, sizeMultiple, maxSide, frameStep, maxFrames, maxSteps, maxSeconds, maxFps,
                minSeed, maxSeed, dtypes);
    }

    /**
     * Reads limits from plain values (YAML or JSON). {@code strict}: an unknown key or a wrong type
     * is an error (hearth.yaml); otherwise ignored (a newer worker may send more).
     *
     * @throws IllegalArgumentException naming the key, when strict
     */
    public static JobLimits of(Map<String, ?> m, boolean strict) {
        if (m == null) return NONE;
        if (strict) {
            for (String k : m.keySet()) {
                if (!KEYS.contains(k)) {
                    throw new IllegalArgumentException("unknown key '" + k + "'; expected one of " + String.join(", ", KEYS));
                }
            }
        }
        return new JobLimits(texts(m, "tasks", strict), integer(m, "size_multiple", strict), integer(m, "max_side", strict),
                integer(m, "frame_step", strict), integer(m, "max_frames", strict), integer(m, "max_steps", strict),
                number(m, "max_seconds", strict), integer(m, "max_fps", strict), whole(m, "min_seed", strict),
                whole(m, "max_seed", strict), texts(m, "dtypes", strict));
    }

    /** The wire/YAML form, nulls left out. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        Object[] values = {tasks, sizeMultiple, maxSide, frameStep, maxFrames, maxSteps, maxSeconds, maxFps, minSeed,
                maxSeed, dtypes};
        for (int i = 0; i < values.length; i++) {
            if (values[i] != null) m.put(KEYS.get(i), values[i]);
        }
        return m;
    }

    /**
     * Checks a job's task and params (the canonical names, after the model's defaults were merged and
     * {@code JobParams} typed them) against these limits; a param that is absent is not checked (the
     * worker's own default applies, which is within its limits).
     */
    public Optional<Violation> check(String task, Map<String, ?> params) {
        if (tasks != null && task != null && !tasks.contains(task)) {
            return bad("task", "must be one of " + String.join(", ", tasks) + " for this worker, got '" + task + "'");
        }
        Object size = params.get("size");
        if (size != null && (sizeMultiple != null || maxSide != null)) {
            Matcher m = SIZE.matcher(String.valueOf(size));
            if (m.matches()) {
                int w = Integer.parseInt(m.group(1));
                int h = Integer.parseInt(m.group(2));
                int lo = sizeMultiple == null ? 1 : sizeMultiple;
                for (int side : new int[] {w, h}) {
                    if (side < lo || (maxSide != null && side > maxSide)) {
                        return bad("size", "must have sides from " + lo + " to " + (maxSide == null ? "any" : maxSide)
                                + " for this worker, got " + w + "x" + h);
                    }
                    if (sizeMultiple != null && side % sizeMultiple != 0) {
                        return bad("size", "must have width and height in multiples of " + sizeMultiple
                                + " for this worker, got " + w + "x" + h + " (try " + near(w) + "x" + near(h) + ")");
                    }
                }
            }
        }
        Double fps = asNumber(params.get("fps"));
        if (fps != null && maxFps != null && fps > maxFps) {
            return bad("fps", "must be at most " + maxFps + " for this worker, got " + fmt(fps));
        }
        Double seconds = asNumber(params.get("seconds"));
        if (seconds != null && maxSeconds != null && seconds > maxSeconds) {
            return bad("seconds", "must be at most " + fmt(maxSeconds) + " for this worker, got " + fmt(seconds));
        }
        Double numFrames = asNumber(params.get("num_frames"));
        if (maxFrames != null && fps != null && (seconds != null || numFrames != null)) {
            double s = numFrames != null ? numFrames / fps : seconds;
            long frames = frames(s, fps);
            if (frames > maxFrames) {
                String field = numFrames != null ? "num_frames" : "seconds";
                return bad(field, "makes " + frames + " frames at " + fmt(fps) + " fps, over this worker's limit of "
                        + maxFrames + " (at most " + fmt(Math.floor(maxFrames / fps * 100) / 100) + " seconds)");
            }
        }
        Double steps = asNumber(params.get("steps"));
        if (steps != null && maxSteps != null && steps > maxSteps) {
            return bad("steps", "must be at most " + maxSteps + " for this worker, got " + fmt(steps));
        }
        Object seedValue = params.get("seed");
        // compared as whole numbers: a double cannot tell 2^63 - 1 from 2^63
        Long seed = null;
        if (seedValue instanceof Long || seedValue instanceof Integer) {
            seed = ((Number) seedValue).longValue();
        } else if (asNumber(seedValue) != null) {
            seed = (long) asNumber(seedValue).doubleValue();
        }
        if (seed != null && ((minSeed != null && seed < minSeed) || (maxSeed != null && seed > maxSeed))) {
            return bad("seed", "must be from " + (minSeed == null ? "any" : minSeed) + " to "
                    + (maxSeed == null ? "any" : maxSeed) + " for this worker, got " + seed);
        }
        Object dtype = params.get("dtype");
        if (dtype != null && dtypes != null && !dtypes.contains(String.valueOf(dtype))) {
            return bad("dtype", "must be one of " + String.join(", ", dtypes) + " for this worker, got '" + dtype + "'");
        }
        return Optional.empty();
    }

    /** The worker's rounding: seconds × fps to the nearest {@code frameStep·k + 1}, k ≥ 1, ties to even (Python's round). */
    long frames(double seconds, double fps) {
        long wanted = Math.max(1, (long) Math.rint(seconds * fps));
        if (frameStep == null || frameStep <= 0) return wanted;
        long k = Math.max(1, (long) Math.rint((wanted - 1) / (double) frameStep));
        return frameStep * k + 1;
    }

    private int near(int side) {
        int m = sizeMultiple;
        return (int) Math.max(m, Math.rint(side / (double) m) * m);   // ties to even, like the Python worker's hint
    }

    private static Optional<Violation> bad(String field, String message) {
        return Optional.of(new Violation(field, message));
    }

    private static String fmt(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    private static Double asNumber(Object v) {
        if (v instanceof Number n) return n.doubleValue();
        if (v instanceof String s) {
            try {
                return Double.parseDouble(s.strip());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    private static Integer integer(Map<String, ?> m, String key, boolean strict) {
        Long v = whole(m, key, strict);
        if (v == null) return null;
        if (v < 1 || v > Integer.MAX_VALUE) {
            if (strict) throw new IllegalArgumentException("'" + key + "' must be a positive whole number, got " + v);
            return null;
        }
        return v.intValue();
    }

    private static Long whole(Map<String, ?> m, String key, boolean strict) {
        Object v = m.get(key);
        if (v == null) return null;
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) return n.longValue();
        if (v instanceof String s && s.strip().matches("-?\\d{1,19}")) {
            try {
                return Long.parseLong(s.strip());
            } catch (NumberFormatException e) {
                // falls through
            }
        }
        if (strict) throw new IllegalArgumentException("'" + key + "' must be a whole number, got " + v);
        return null;
    }

    private static Double number(Map<String, ?> m, String key, boolean strict) {
        Double d = asNumber(m.get(key));
        if (m.get(key) != null && (d == null || !(d > 0) || d.isInfinite())) {
            if (strict) throw new IllegalArgumentException("'" + key + "' must be a positive number, got " + m.get(key));
            return null;
        }
        return d;
    }

    private static List<String> texts(Map<String, ?> m, String key, boolean strict) {
        Object v = m.get(key);
        if (v == null) return null;
        if (v instanceof List<?> list) {
            List<String> out = new ArrayList<>();
            for (Object o : list) {
                if (o instanceof String s) {
                    out.add(s);
                } else if (strict) {
                    throw new IllegalArgumentException("'" + key + "' must be a list of names, got " + v);
                }
            }
            return out;
        }
        if (strict) throw new IllegalArgumentException("'" + key + "' must be a list of names, got " + v);
        return null;
    }
}
