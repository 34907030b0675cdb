package dev.hearth.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.BadRequestException;
import dev.hearth.HearthException;
import dev.hearth.Json;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Opt-in progress for a streaming request that waits for a model that is not ready (DESIGN.md
 * scheduler rules, issue 10 part 6). A client sending {@code Hearth-Loading: events} gets its 200
 * and SSE headers at once, then once a second
 * <pre>event: hearth.loading
 * data: {"model":"qwen","state":"loading","elapsed_s":3,"eta_s":12}</pre>
 * until the model answers, whose chunks follow in the same stream. With {@code Hearth-Loading:
 * reasoning} (chat only) each note is a {@code chat.completion.chunk} whose delta carries
 * {@code reasoning_content}, as llama-swap does, which OpenAI SDK clients show as "thinking" and
 * otherwise ignore. Without the header nothing changes: a plain client sees no extra event. An error
 * after the stream began travels as the final {@code data:} event in the error envelope.
 */
public final class LoadingStream {
    public static final String HEADER = "Hearth-Loading";

    public enum Mode { EVENTS, REASONING }

    private final OutputStream out;
    private final Mode mode;
    private final String model;

    private LoadingStream(OutputStream out, Mode mode, String model) {
        this.out = out;
        this.mode = mode;
        this.model = model;
    }

    /** The mode the request asks for, or null without the header. */
    public static Mode requested(ServerRequest req, boolean chat) {
        String value = req.headers().first(HeaderNames.create(HEADER)).orElse(null);
        if (value == null || value.isBlank()) return null;
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "events" -> Mode.EVENTS;
            case "reasoning" -> {
                if (!chat) throw new BadRequestException(HEADER + ": reasoning is for /v1/chat/completions; use events here.",
                        null);
                yield Mode.REASONING;
            }
            default -> throw new BadRequestException(HEADER + " must be events or reasoning, not \"" + value.strip()
                    + "\".", null);
        };
    }

    /** Sends the 200 and the SSE headers now. */
    public static LoadingStream open(ServerResponse res, Mode mode, String model) {
        res.status(200);
        res.header(HeaderNames.CONTENT_TYPE, "text/event-stream");
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        res.header("X-Accel-Buffering", "no");
        return new LoadingStream(res.outputStream(), mode, model);
    }

    /** Where the model's own chunks go once it answers. */
    public OutputStream out() { return out; }

    /**
     * One progress note; false when the client has gone.
     *
     * @param etaS seconds until the model is likely ready, or null when unknown
     */
    public boolean note(String state, long elapsedS, Long etaS) {
        String text;
        if (mode == Mode.EVENTS) {
            ObjectNode data = Json.object();
            data.put("model", model);
            data.put("state", state);
            data.put("elapsed_s", elapsedS);
            if (etaS == null) data.putNull("eta_s"); else data.put("eta_s", etaS);
            text = "event: hearth.loading\ndata: " + data + "\n\n";
        } else {
            String words = (state.equals("loading") ? "Loading " : "Waiting for ") + model + " (" + state + ")… "
                    + elapsedS + " s" + (etaS == null ? "" : ", about " + etaS + " s to go") + "\n";
            ObjectNode chunk = Json.object();
            chunk.put("id", "hearth-loading");
            chunk.put("object", "chat.completion.chunk");
            chunk.put("created", System.currentTimeMillis() / 1000);
            chunk.put("model", model);
            ObjectNode choice = chunk.putArray("choices").addObject();
            choice.put("index", 0);
            choice.putObject("delta").put("reasoning_content", words);
            choice.putNull("finish_reason");
            text = "data: " + chunk + "\n\n";
        }
        return write(text);
    }

    /** The request failed after the stream began: the error as the last event, then the end. */
    public void fail(HearthException e) {
        write("data: " + Errors.envelope(e) + "\n\n");
        try {
            out.close();
        } catch (IOException | RuntimeException ignored) {
            // the client is gone
        }
    }

    private boolean write(String text) {
        try {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
            return true;
        } catch (IOException | UncheckedIOException | IllegalStateException e) {
            return false;
        } catch (RuntimeException e) {
            return false; // Helidon reports a closed connection with its own runtime exception types
        }
    }
}
