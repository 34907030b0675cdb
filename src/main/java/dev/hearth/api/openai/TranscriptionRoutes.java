package dev.hearth.api.openai;

import dev.hearth.BadRequestException;
import dev.hearth.Json;
import dev.hearth.catalog.CommandSettings;
import dev.hearth.catalog.EngineKind;
import dev.hearth.catalog.ModelSpec;
import dev.hearth.catalog.Task;
import dev.hearth.gateway.Errors;
import dev.hearth.gateway.Routes;
import dev.hearth.media.AudioChunks;
import dev.hearth.media.AudioInputs;
import dev.hearth.media.ChunkedTranscription;
import dev.hearth.media.Ffmpeg;
import dev.hearth.media.Multipart;
import dev.hearth.media.MultipartBody;
import dev.hearth.media.Transcripts;
import dev.hearth.media.Transcripts.Transcript;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;

/**
 * POST /v1/audio/transcriptions and /v1/audio/translations (and under /v1/{model}/), OpenAI's
 * multipart shape. A command model runs once on the whole recording, converted by ffmpeg to what
 * it reads — or, with {@code stream=true}, piece by piece, each piece's words sent as a
 * {@code transcript.text.delta} event as soon as they are known, then {@code transcript.text.done}.
 * An audio server (process or remote: speaches, faster-whisper-server, whisper.cpp's server) gets
 * the form as it came, checked, with the model's name as it knows it; its answer, a stream
 * included, comes back unchanged. A worker model transcribes as jobs on /v1/jobs.
 */
final class TranscriptionRoutes {
    private static final int MAX_PROMPT_CHARS = 4096;
    /** A streamed transcription's pieces: short enough that the first words come soon. */
    private static final double STREAM_PIECE_SECONDS = 20;

    private final CommandCalls calls;
    private final OpenAiRoutes http;
    private final AudioInputs recordings;

    TranscriptionRoutes(CommandCalls calls, OpenAiRoutes http, AudioInputs recordings) {
        this.calls = calls;
        this.http = http;
        this.recordings = recordings;
    }

    void register(HttpRouting.Builder r) {
        r.post("/v1/audio/transcriptions", (req, res) -> transcribe(req, res, null, "transcribe"));
        r.post("/v1/audio/translations", (req, res) -> transcribe(req, res, null, "translate"));
        r.post("/v1/{model}/audio/transcriptions", (req, res) -> transcribe(req, res, AudioRoutes.pathModel(req),
                "transcribe"));
        r.post("/v1/{model}/audio/translations", (req, res) -> transcribe(req, res, AudioRoutes.pathModel(req),
                "translate"));
    }

    /** What the form asked for, checked. */
    private record Asked(String task, String format, boolean words, boolean stream, String language, String prompt) {}

    private void transcribe(ServerRequest req, ServerResponse res, String pathModel, String task) {
        String type = req.headers().first(HeaderNames.CONTENT_TYPE).orElse("");
        if (!type.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            throw new BadRequestException("Send multipart/form-data with the audio as the part 'file' (and 'model').",
                    "file");
        }
        try (Multipart.Form form = recordings.parseMultipart(Routes.bodyStream(req), type,
                req.headers().contentLength().orElse(-1))) {
            Map<String, String> f = form.fields();
            ModelSpec spec = calls.model(pathModel != null ? pathModel : f.get("model"), Task.TRANSCRIPTION,
                    req.path().path());
            Multipart.Upload file = form.files().get("file");
            if (file == null) {
                throw new BadRequestException("file: required: the audio to transcribe, as a multipart file part.",
                        "file");
            }
            Asked asked = check(f, task, spec);
            switch (spec.engine().serves()) {
                case HTTP -> forward(req, res, spec, f, file, asked);
                case COMMAND -> command(req, res, spec, file, asked);
                case JOBS, IN_PROCESS -> throw new BadRequestException("Model '" + spec.name() + "' transcribes as"
                        + " jobs: POST /v1/jobs with \"task\": \"" + task + "\" and the recording as the multipart"
                        + " part 'file'.", "model");
            }
        }
    }

    private static Asked check(Map<String, String> f, String task, ModelSpec spec) {
        String format = f.getOrDefault("response_format", "json").strip();
        if (!Transcripts.FORMATS.contains(format)) {
            throw new BadRequestException("response_format: expected one of " + String.join(", ", Transcripts.FORMATS)
                    + ", got \"" + AudioRoutes.clip(format) + "\".", "response_format");
        }
        boolean words = granularities(f);
        temperature(f.get("temperature"));
        String prompt = f.get("prompt");
        if (prompt != null && prompt.length() > MAX_PROMPT_CHARS) {
            throw new BadRequestException("prompt: at most " + MAX_PROMPT_CHARS + " characters.", "prompt");
        }
        String stream = f.getOrDefault("stream", "false").strip().toLowerCase(Locale.ROOT);
        if (!stream.equals("true") && !stream.equals("false")) {
            throw new BadRequestException("stream: expected true or false, got \"" + AudioRoutes.clip(stream) + "\".",
                    "stream");
        }
        String language = CommandCalls.value(f.get("language"), "language", spec);
        return new Asked(task, format, words, stream.equals("true"), language, prompt);
    }

    // ---- an audio server ----------------------------------------------------------------------------

    /** The form rebuilt for the engine: every field as given (arrays split again), the model renamed. */
    private void forward(ServerRequest req, ServerResponse res, ModelSpec spec, Map<String, String> f,
                         Multipart.Upload file, Asked asked) {
        MultipartBody body = new MultipartBody();
        f.forEach((name, value) -> {
            if (name.equals("model")) return;
            if (name.endsWith("[]")) {
                for (String v : value.split(",")) body.field(name, v.strip());
            } else {
                body.field(name, value);
            }
        });
        body.field("model", spec.upstreamName());
        String filename = file.filename() == null || file.filename().isBlank() ? "audio" : file.filename();
        body.file("file", filename, file.contentType() == null ? "application/octet-stream" : file.contentType(),
                file.path());
        String path = asked.task().equals("translate") ? "/v1/audio/translations" : "/v1/audio/transcriptions";
        http.forward(req, res, spec, Task.TRANSCRIPTION, path, body.publisher(), body.contentType(), asked.stream());
    }

    // ---- a command -----------------------------------------------------------------------------------

    private void command(ServerRequest req, ServerResponse res, ModelSpec spec, Multipart.Upload file, Asked asked) {
        CommandSettings settings = calls.settings(spec);
        boolean takesTask = settings.template().uses("TASK");
        if (asked.task().equals("translate") && !takesTask) {
            throw new BadRequestException("Model '" + spec.name() + "' cannot translate: its command takes no ${TASK}."
                    + " Use /v1/audio/transcriptions.", "model");
        }
        Map<String, String> values = new HashMap<>();
        if (asked.language() != null) values.put("LANGUAGE", asked.language());
        if (asked.prompt() != null) values.put("PROMPT", asked.prompt());
        if (takesTask) values.put("TASK", asked.task());
        String id = calls.scratch();
        try {
            Path dir = calls.dir(id);
            if (asked.stream()) {
                stream(req, res, spec, settings, file, values, dir, asked);
                return;
            }
            Path audio = dir.resolve("input." + settings.inputFormat());
            Ffmpeg.toEngineAudio("file", file.path(), audio, settings.inputFormat());
            double duration = settings.inputFormat().equals("raw")
                    ? Files.size(audio) / (double) AudioChunks.BYTES_PER_SECOND : Ffmpeg.duration(audio);
            String output = CommandCalls.text(calls.run(req, spec, Task.TRANSCRIPTION, audio, values));
            Transcript t = Transcripts.of(settings.outputFormat(), output, duration).with(asked.language(), asked.task());
            answer(res, t, asked);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            calls.inputs.discard(id);
        }
    }

    private static void answer(ServerResponse res, Transcript t, Asked asked) {
        switch (asked.format()) {
            case "json" -> Routes.json(res, 200, Transcripts.json(t));
            case "verbose_json" -> Routes.json(res, 200, Transcripts.verboseJson(t, asked.language(), asked.words()));
            case "srt" -> text(res, Transcripts.srt(t));
            case "vtt" -> text(res, Transcripts.vtt(t));
            default -> text(res, t.text() + "\n");
        }
    }

    /**
     * Piece by piece, under one lease: the SSE stream opens with the first piece's words, so a
     * failure before them is an ordinary error answer; after them it is the stream's last event.
     */
    private void stream(ServerRequest req, ServerResponse res, ModelSpec spec, CommandSettings settings,
                        Multipart.Upload file, Map<String, String> values, Path dir, Asked asked) throws IOException {
        Path pcm = dir.resolve("audio.pcm");
        AudioChunks.decode("file", file.path(), pcm);
        calls.underLease(req, spec, Task.TRANSCRIPTION, runs -> {
            OutputStream[] out = {null};
            try {
                Transcript whole = ChunkedTranscription.run(pcm, STREAM_PIECE_SECONDS, settings.inputFormat(), dir,
                        (piece, seconds) -> Transcripts.of(settings.outputFormat(),
                                CommandCalls.text(runs.run(piece, values)), seconds),
                        (piece, done, total) -> {
                            if (piece.text().isEmpty()) return;
                            String gap = out[0] == null ? "" : " ";
                            if (out[0] == null) out[0] = open(res);
                            event(out[0], Json.object().put("type", "transcript.text.delta")
                                    .put("delta", gap + piece.text()));
                        },
                        () -> false);
                if (out[0] == null) out[0] = open(res);
                event(out[0], Json.object().put("type", "transcript.text.done").put("text", whole.text()));
            } catch (RuntimeException e) {
                if (out[0] == null || e instanceof CancellationException) throw e;
                event(out[0], Errors.envelope(Errors.classify(Errors.unwrap(e))));
            }
            close(out[0]);
            return null;
        });
    }

    private static void close(OutputStream out) {
        try {
            out.close();
        } catch (IOException | RuntimeException e) {
            // the client is gone
        }
    }

    private static OutputStream open(ServerResponse res) {
        res.status(200);
        res.header(HeaderNames.CONTENT_TYPE, "text/event-stream");
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        res.header("X-Accel-Buffering", "no");
        return res.outputStream();
    }

    /** One event; a client that has gone ends the runs as a cancel (its lease is given back). */
    private static void event(OutputStream out, Object data) {
        try {
            out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException | RuntimeException e) {
            throw new CancellationException("the client went away");
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
                throw new BadRequestException("timestamp_granularities[]: expected word or segment, got \""
                        + AudioRoutes.clip(v) + "\".", "timestamp_granularities[]");
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
        throw new BadRequestException("temperature: expected a number from 0 to 1, got \"" + AudioRoutes.clip(given)
                + "\".", "temperature");
    }

    private static void text(ServerResponse res, String body) {
        res.status(200);
        res.header(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        res.send(body.getBytes(StandardCharsets.UTF_8));
    }
}
