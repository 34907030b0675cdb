package dev.hearth.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.BadRequestException;
import dev.hearth.catalog.CommandTemplate;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A transcribe or translate job's params as Hearth reads them for a command or HTTP model: the
 * recording's {@code language}, a {@code prompt} (words to expect), {@code temperature}, and
 * {@code chunk_seconds} (about how long each piece sent to the engine is). A worker model reads its
 * own params; Hearth checks only these there.
 */
record TranscribeParams(String task, String language, String prompt, Double temperature, double chunkSeconds) {
    static final Set<String> KNOWN = Set.of("language", "prompt", "temperature", "chunk_seconds");
    static final double DEFAULT_CHUNK_SECONDS = 60;
    static final int MAX_PROMPT_CHARS = 4096;

    /** @throws BadRequestException naming the field that is wrong */
    static TranscribeParams of(String task, ObjectNode p) {
        String language = text(p, "language");
        if (language != null && !CommandTemplate.SAFE_VALUE.matcher(language).matches()) {
            throw new BadRequestException("language: expected a language code like en or de, got \"" + clip(language)
                    + "\".", "language");
        }
        String prompt = text(p, "prompt");
        if (prompt != null && prompt.length() > MAX_PROMPT_CHARS) {
            throw new BadRequestException("prompt: at most " + MAX_PROMPT_CHARS + " characters.", "prompt");
        }
        Double temperature = number(p, "temperature", 0, 1);
        Double chunk = number(p, "chunk_seconds", 5, 3600);
        return new TranscribeParams(task, language, prompt, temperature, chunk == null ? DEFAULT_CHUNK_SECONDS : chunk);
    }

    /** A key a command or HTTP model would not read: refused, so a typo is not silently ignored. */
    static void refuseUnknown(ObjectNode p, String model) {
        for (var names = p.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!KNOWN.contains(name)) {
                throw new BadRequestException("params." + clip(name) + ": model '" + model + "' reads only "
                        + String.join(", ", KNOWN.stream().sorted().toList()) + " for a transcribe job.", name);
            }
        }
    }

    /** The route an OpenAI-compatible server answers this task on. */
    String route() {
        return task.equals("translate") ? "translations" : "transcriptions";
    }

    /** A command's placeholders; {@code TASK} only when its template has it. */
    Map<String, String> values(boolean withTask) {
        Map<String, String> v = new LinkedHashMap<>();
        if (language != null) v.put("LANGUAGE", language);
        if (prompt != null) v.put("PROMPT", prompt);
        if (withTask) v.put("TASK", task);
        return v;
    }

    /** The form fields an audio server reads. */
    Map<String, String> fields() {
        Map<String, String> f = new LinkedHashMap<>();
        if (language != null) f.put("language", language);
        if (prompt != null) f.put("prompt", prompt);
        if (temperature != null) f.put("temperature", temperature.toString());
        return f;
    }

    private static String text(ObjectNode p, String field) {
        JsonNode v = p.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) throw new BadRequestException(field + ": expected a string.", field);
        String s = v.asText().strip();
        return s.isEmpty() ? null : s;
    }

    private static Double number(ObjectNode p, String field, double min, double max) {
        JsonNode v = p.get(field);
        if (v == null || v.isNull()) return null;
        double d;
        if (v.isNumber()) d = v.asDouble();
        else if (v.isTextual() && v.asText().strip().matches("-?\\d+(\\.\\d+)?")) d = Double.parseDouble(v.asText().strip());
        else throw new BadRequestException(field + ": expected a number from " + fmt(min) + " to " + fmt(max) + ".", field);
        if (d < min || d > max) {
            throw new BadRequestException(field + ": expected a number from " + fmt(min) + " to " + fmt(max) + ", got "
                    + fmt(d) + ".", field);
        }
        return d;
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    private static String clip(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
