package dev.hearth.api.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.BadRequestException;
import dev.hearth.Json;
import dev.hearth.catalog.CommandSettings;
import dev.hearth.catalog.EngineKind;
import dev.hearth.catalog.ModelSpec;
import dev.hearth.catalog.Task;
import dev.hearth.gateway.Routes;
import dev.hearth.media.Ffmpeg;
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
import java.util.Map;

/**
 * POST /v1/audio/speech (and /v1/{model}/audio/speech), OpenAI's shape: JSON with the text. A
 * command model's audio is converted by ffmpeg to the response_format asked for; a speech server
 * (process or remote: kokoro-fastapi, speaches…) gets the request as it came, checked, with the
 * model's name as the server knows it, and its audio comes back as it sends it.
 */
final class AudioRoutes {
    static final int MAX_INPUT_CHARS = 4096;

    private final CommandCalls calls;
    private final OpenAiRoutes http;

    AudioRoutes(CommandCalls calls, OpenAiRoutes http) {
        this.calls = calls;
        this.http = http;
    }

    void register(HttpRouting.Builder r) {
        r.post("/v1/audio/speech", (req, res) -> speak(req, res, null));
        r.post("/v1/{model}/audio/speech", (req, res) -> speak(req, res, pathModel(req)));
    }

    static String pathModel(ServerRequest req) {
        return req.path().pathParameters().get("model");
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
        if (spec.engine().serves() == EngineKind.Serves.HTTP) {
            body.put("model", spec.upstreamName());
            http.forward(req, res, spec, Task.SPEECH, "/v1/audio/speech",
                    dev.hearth.gateway.Proxy.bytes(Json.bytes(body)), "application/json", false);
            return;
        }
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

    static String clip(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
