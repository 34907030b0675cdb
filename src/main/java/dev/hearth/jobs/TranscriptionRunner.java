package dev.hearth.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.BadRequestException;
import dev.hearth.EngineException;
import dev.hearth.Json;
import dev.hearth.catalog.CommandSettings;
import dev.hearth.catalog.ModelSpec;
import dev.hearth.engine.CommandRunner;
import dev.hearth.engine.CommandTimeoutException;
import dev.hearth.engine.JobEngine;
import dev.hearth.engine.JobRequest;
import dev.hearth.engine.WorkerListener;
import dev.hearth.engine.WorkerRun;
import dev.hearth.media.AudioChunks;
import dev.hearth.media.ChunkedTranscription;
import dev.hearth.media.MultipartBody;
import dev.hearth.media.Transcripts;
import dev.hearth.media.Transcripts.Transcript;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@code transcribe} (or {@code translate}) job on a model that answers requests — a command
 * model, or an OpenAI-compatible audio server — run as a job engine: the recording is decoded once,
 * cut into pieces ({@link ChunkedTranscription}), each piece sent through the model's own request
 * path, progress reported by audio time, and the whole written as transcript.txt, .srt, .vtt and
 * .json (OpenAI's verbose_json). A cancel ends the piece running now (a command's process tree is
 * killed, an HTTP call closed).
 */
final class TranscriptionRunner implements JobEngine {
    static final String STAGE = "transcribe";
    static final Map<String, String> OUTPUTS = Map.of("txt", "text/plain", "srt", "application/x-subrip",
            "vtt", "text/vtt", "json", "application/json");

    /** Transcribes one piece; {@code cancel} completes when the job is to stop. */
    @FunctionalInterface
    interface PieceEngine {
        Transcript transcribe(Path piece, double seconds, TranscribeParams params, CompletableFuture<?> cancel);
    }

    private final String inputFormat;
    private final PieceEngine engine;
    private final CompletableFuture<Void> cancel = new CompletableFuture<>();
    private volatile String running;

    private TranscriptionRunner(String inputFormat, PieceEngine engine) {
        this.inputFormat = inputFormat;
        this.engine = engine;
    }

    /** Each piece one run of the model's command. */
    static TranscriptionRunner command(ModelSpec spec, CommandRunner runner) {
        CommandSettings settings = runner.settings();
        return new TranscriptionRunner(settings.inputFormat(), (piece, seconds, p, cancel) -> {
            Path out = runner.run(piece.getParent(), piece, p.values(settings.template().uses("TASK")), cancel);
            try {
                String text = Files.readString(out, StandardCharsets.UTF_8);
                Files.deleteIfExists(out);
                return Transcripts.of(settings.outputFormat(), text, seconds);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Each piece one POST to an OpenAI-compatible audio server, asking for verbose_json with word times. */
    static TranscriptionRunner http(ModelSpec spec, URI base, HttpClient client) {
        Duration wait = spec.proxy().firstByte().isZero() ? Duration.ofHours(1) : spec.proxy().firstByte();
        return new TranscriptionRunner("wav", (piece, seconds, p, cancel) -> {
            MultipartBody body = new MultipartBody().file("file", "audio.wav", "audio/wav", piece)
                    .field("model", spec.upstreamName()).field("response_format", "verbose_json")
                    .field("timestamp_granularities[]", "segment").field("timestamp_granularities[]", "word");
            p.fields().forEach(body::field);
            HttpRequest request = HttpRequest.newBuilder(base.resolve("/v1/audio/" + p.route()))
                    .header("Content-Type", body.contentType()).POST(body.publisher()).build();
            var sending = client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
            cancel.whenComplete((x, e) -> sending.cancel(true));
            HttpResponse<byte[]> answer;
            try {
                answer = sending.get(wait.toNanos(), TimeUnit.NANOSECONDS);
            } catch (CancellationException e) {
                throw e;
            } catch (TimeoutException e) {
                sending.cancel(true);
                throw new EngineException("Model '" + spec.name() + "' did not answer a piece of the recording within "
                        + wait.toSeconds() + " s.");
            } catch (ExecutionException e) {
                if (cancel.isDone()) throw new CancellationException("cancelled");
                throw new EngineException("Model '" + spec.name() + "' could not be reached: " + e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CancellationException("interrupted");
            }
            JsonNode json = parse(answer.body());
            if (answer.statusCode() != 200) {
                String why = json == null ? "" : json.path("error").path("message").asText(json.path("detail").asText(""));
                throw new EngineException("Model '" + spec.name() + "' answered " + answer.statusCode()
                        + (why.isBlank() ? "" : ": " + clip(why)));
            }
            if (json == null) throw new EngineException("Model '" + spec.name() + "' answered something that is not JSON.");
            return Transcripts.fromJson(json, seconds);
        });
    }

    private static JsonNode parse(byte[] body) {
        try {
            return Json.MAPPER.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    private static String clip(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }

    @Override
    public WorkerRun run(JobRequest req, WorkerListener listener) {
        running = req.job();
        String audio = req.inputs().get("audio");
        if (audio == null) return new WorkerRun.Error("bad_params", "The job has no recording (input 'audio').");
        TranscribeParams params;
        try {
            params = TranscribeParams.of(req.task(), req.params());
        } catch (BadRequestException e) {
            return new WorkerRun.Error("bad_params", e.getMessage());
        }
        Path work = Path.of(audio).resolveSibling("work");
        try {
            Files.createDirectories(work);
            Path pcm = work.resolve("audio.pcm");
            double total = AudioChunks.decode("audio", Path.of(audio), pcm);
            int steps = (int) Math.max(1, Math.ceil(total));
            listener.progress(0, STAGE, 0, steps);
            Transcript whole = ChunkedTranscription.run(pcm, params.chunkSeconds(), inputFormat, work,
                    (piece, seconds) -> engine.transcribe(piece, seconds, params, cancel),
                    (piece, done, all) -> listener.progress(Math.min(1, done / all), STAGE,
                            done >= all - 0.001 ? steps : (int) Math.min(steps - 1, Math.floor(done)), steps),
                    cancel::isDone).with(params.language(), req.task());
            Files.deleteIfExists(pcm);
            write(work, whole, params, listener);
            return new WorkerRun.Done();
        } catch (CancellationException e) {
            return new WorkerRun.Cancelled();
        } catch (BadRequestException e) {
            return new WorkerRun.Error("bad_input", e.getMessage());
        } catch (CommandTimeoutException e) {
            return new WorkerRun.Error("timeout", e.getMessage());
        } catch (EngineException e) {
            return new WorkerRun.Error("engine_failed", e.getMessage());
        } catch (IOException | UncheckedIOException e) {
            return new WorkerRun.Error("engine_failed", "The recording could not be processed: " + e.getMessage());
        } finally {
            running = null;
            AudioChunks.discard(work);
        }
    }

    /** The four outputs, each announced as it is complete. */
    private static void write(Path work, Transcript t, TranscribeParams params, WorkerListener listener)
            throws IOException {
        Map<String, String> text = Map.of("txt", t.text() + "\n", "srt", Transcripts.srt(t), "vtt", Transcripts.vtt(t),
                "json", Json.MAPPER.writerWithDefaultPrettyPrinter()
                        .writeValueAsString(Transcripts.verboseJson(t, params.language(), t.hasWords())));
        for (String ext : new String[] {"txt", "srt", "vtt", "json"}) {
            Path file = work.resolve("transcript." + ext);
            Files.writeString(file, text.get(ext), StandardCharsets.UTF_8);
            listener.output(file, OUTPUTS.get(ext));
        }
    }

    @Override
    public boolean cancel(String job) {
        if (!job.equals(running)) return false;
        cancel.complete(null);
        return true;
    }
}
