package dev.hearth.api.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.BadRequestException;
import dev.hearth.Json;
import dev.hearth.catalog.CommandSettings;
import dev.hearth.catalog.ModelSpec;
import dev.hearth.catalog.Task;
import dev.hearth.gateway.Routes;
import dev.hearth.media.Ffmpeg;
import dev.hearth.media.Multipart;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * OpenAI's audio routes on command models: POST /v1/audio/transcriptions (multipart: the audio,
 * converted by ffmpeg to what the engine reads) and POST /v1/audio/speech (JSON: the text; the
 * engine's audio converted to the response_format asked for), each also under /v1/{model}/.
 */
final class AudioRoutes {
    static final int MAX_INPUT_CHARS = 4096;
    private static final int MAX_PROMPT_CHARS = 4096;

    private final CommandCalls calls;

    AudioRoutes(CommandCalls calls) {
        this.calls = calls;
    }

    void register(HttpRouting.Builder r) {
        r.post("/v1/audio/transcriptions", (req, res) -> transcribe(req, res, null));
        r.post("/v1/audio/speech", (req, res) -> speak(req, res, null));
        r.post("/v1/{model}/audio/transcriptions", (req, res) -> transcribe(req, res, pathModel(req)));
        r.post("/v1/{model}/audio/speech", (req, res) -> speak(req, res, pathModel(req)));
    }

    static String pathModel(ServerRequest req) {
        return req.path().pathParameters().get("model");
    }

    // ---- transcriptions ----------------------------------------------------------------------------

    private void transcribe(ServerRequest req, ServerResponse res, String pathModel) {
        String type = req.headers().first(HeaderNames.CONTENT_TYPE).orElse("");
        if (!type.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            throw new BadRequestException("Send multipart/form-data with the audio as the part 'file' (and 'model').",
                    "file");
        }
        try (Multipart.Form form = calls.inputs.parseMultipart(Routes.bodyStream(req), type,
                req.headers().contentLength().orElse(-1))) {
            Map<String, String> f = form.fields();
            ModelSpec spec = calls.model(pathModel != null ? pathModel : f.get("model"), Task.TRANSCRIPTION,
                    req.path().path());
            String format = f.getOrDefault("response_format", "json").strip();
            if (!Transcripts.FORMATS.contains(format)) {
                throw new BadRequestException("response_format: expected one of " + String.join(", ", Transcripts.FORMATS)
                        + ", got \"" + clip(format) + "\".", "response_format");
            }
            boolean words = granularities(f);
            temperature(f.get("temperature"));
            String prompt = f.get("prompt");
            if (prompt != null && prompt.length() > MAX_PROMPT_CHARS) {
                throw new BadRequestException("prompt: at most " + MAX_PROMPT_CHARS + " characters.", "prompt");
            }
            Multipart.Upload file = form.files().get("file");
            if (file == null) {
                throw new BadRequestException("file: required: the audio to transcribe, as a multipart file part.",
                        "file");
            }
            String language = CommandCalls.value(f.get("language"), "language", spec);
            CommandSettings settings = calls.settings(spec);
            String id = calls.scratch();
            try {
                Path audio = calls.dir(id).resolve("input." + settings.inputFormat());
                Ffmpeg.toEngineAudio("file", file.path(), audio, settings.inputFormat());
                double duration = settings.inputFormat().equals("raw")
                        ? size(audio) / 32_000.0 : Ffmpeg.duration(audio);
                Map<String, String> values = new HashMap<>();
                if (language != null) values.put("LANGUAGE", language);
                if (prompt != null) values.put("PROMPT", prompt);
                String output = CommandCalls.text(calls.run(req, spec, Task.TRANSCRIPTION, audio, values));
                var transcript = settings.outputFormat().equals("timed_words")
                        ? Transcripts.timedWords(output, duration) : Transcripts.text(output, duration);
                switch (format) {
                    case "json" -> Routes.json(res, 200, Transcripts.json(transcript));
                    case "verbose_json" -> Routes.json(res, 200, Transcripts.verboseJson(transcript, language, words));
                    case "srt" -> text(res, Transcripts.srt(transcript));
                    case "vtt" -> text(res, Transcripts.vtt(transcript));
                    default -> text(res, transcript.text() + "\n");
                }
            } finally {
                calls.inputs.discard(id);
            }
        }
    }

    /** timestamp_granularities[]: word and/or segment; whether words were asked for. */
    private static boolean granularities(Map<String, String> f) {
        String given = f.getOrDefault("timestamp_granularities[]", f.get("timestamp_granularities"));
        if (given == null) return false;
        boolean words = false;
        for (String g : given.split(",")) {
            String v = g.strip();
            if (v.equals("word")) words = true;
            else if (!v.equals("segment")) {
                throw new BadRequestException("timestamp_granularities[]: expected word or segment, got \"" + clip(v)
                        + "\".", "timestamp_granularities[]");
            }
        }
        return words;
    }

    private static void temperature(String given) {
        if (given == null || given.isBlank()) return;
        try {
            double t = Double.parseDouble(given.strip());
            if (t >= 0 && t <= 1) return;
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new BadRequestException("temperature: expected a number from 0 to 1, got \"" + clip(given) + "\".",
                "temperature");
    }

    // ---- speech --------------------------------------------------------------------------------------

    private void speak(ServerRequest req, ServerResponse res, String pathModel) {
        ObjectNode body = Json.parseObject(Routes.body(req));
        ModelSpec spec = calls.model(pathModel != null ? pathModel : string(body, "model"), Task.SPEECH,
                req.path().path());
        String input = string(body, "input");
        if (input == null || input.isBlank()) {
            throw new BadRequestException("input: required: the text to speak.", "input");
        }
        if (input.length() > MAX_INPUT_CHARS) {
            throw new BadRequestException("input: at most " + MAX_INPUT_CHARS + " characters, got " + input.length()
                    + ".", "input");
        }
        String format = string(body, "response_format");
        format = format == null ? "mp3" : format.strip();
        Ffmpeg.Format out = Ffmpeg.SPEECH_FORMATS.get(format);
        if (out == null) {
            throw new BadRequestException("response_format: expected one of " + String.join(", ", SPEECH_FORMATS)
                    + ", got \"" + clip(format) + "\".", "response_format");
        }
        double speed = speed(body);
        CommandSettings settings = calls.settings(spec);
        String voice = CommandCalls.value(string(body, "voice"), "voice", spec);
        if (voice != null) voice = settings.voices().getOrDefault(voice, voice);
        String language = CommandCalls.value(string(body, "language"), "language", spec);
        Map<String, String> values = new HashMap<>();
        if (voice != null) values.put("VOICE", voice);
        if (language != null) values.put("LANGUAGE", language);
        boolean engineSpeed = settings.template().uses("SPEED");
        values.put("SPEED", Double.toString(speed));
        String id = calls.scratch();
        try {
            Path text = calls.dir(id).resolve("input.txt");
            Files.writeString(text, input, StandardCharsets.UTF_8);
            Path spoken = calls.run(req, spec, Task.SPEECH, text, values);
            Path converted = calls.dir(id).resolve("speech." + format);
            Ffmpeg.toSpeech(spec.name(), spoken, converted, format, engineSpeed ? 1.0 : speed);
            res.status(200);
            res.header(HeaderNames.CONTENT_TYPE, out.contentType());
            res.send(Files.readAllBytes(converted));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            calls.inputs.discard(id);
        }
    }

    private static final List<String> SPEECH_FORMATS = List.of("mp3", "opus", "aac", "flac", "wav", "pcm");

    private static double speed(ObjectNode body) {
        JsonNode n = body.get("speed");
        if (n == null || n.isNull()) return 1.0;
        if (!n.isNumber() || n.asDouble() < 0.25 || n.asDouble() > 4.0) {
            throw new BadRequestException("speed: expected a number from 0.25 to 4.0, got " + clip(n.toString()) + ".",
                    "speed");
        }
        return n.asDouble();
    }

    /** A string field, or null when absent; another type is a 400 naming it. */
    static String string(ObjectNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) return null;
        if (!n.isTextual()) throw new BadRequestException(field + ": expected a string.", field);
        return n.asText();
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    private static void text(ServerResponse res, String body) {
        res.status(200);
        res.header(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        res.send(body.getBytes(StandardCharsets.UTF_8));
    }

    static String clip(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
