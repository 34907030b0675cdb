package dev.hearth.engine.llamacpp;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Serves one chat or completion request, streamed as server-sent events or answered whole. */
final class CompletionHandler {
    private final EngineHttpServer http;
    private final ObjectMapper json;
    private final Generator generator;
    private final ChatFormatter formatter;
    private final String modelName;

    CompletionHandler(EngineHttpServer http, Generator generator, ChatFormatter formatter, String modelName) {
        this.http = http;
        this.json = http.json();
        this.generator = generator;
        this.formatter = formatter;
        this.modelName = modelName;
    }

    void serve(HttpExchange ex, GenerationRequest req) throws IOException, InterruptedException {
        String text = req.chat() ? formatter.format(req.messages()) : req.prompt();
        Generator.Prompt prompt = generator.prepare(text, req.maxTokens());
        OpenAiResponses responses = new OpenAiResponses(json, req.chat(), modelName);
        Generator.Result result = req.stream() ? stream(ex, req, prompt, responses) : whole(ex, req, prompt, responses);
        LlamaEngineMain.log(String.format("%s prompt=%d completion=%d tokens in %d ms (%.0f tok/s) finish=%s%s",
                ex.getRequestURI().getPath(), result.promptTokens(), result.completionTokens(), result.nanos() / 1_000_000,
                result.completionTokens() / Math.max(1e-9, result.nanos() / 1e9),
                result.finish().name().toLowerCase(), req.stream() ? " stream" : ""));
    }

    private Generator.Result whole(HttpExchange ex, GenerationRequest req, Generator.Prompt prompt,
                                   OpenAiResponses responses) throws IOException, InterruptedException {
        StringBuilder text = new StringBuilder();
        Generator.Result result = generator.generate(prompt, req, text::append);
        http.send(ex, 200, responses.complete(text.toString(), result));
        return result;
    }

    private Generator.Result stream(HttpExchange ex, GenerationRequest req, Generator.Prompt prompt,
                                    OpenAiResponses responses) throws IOException, InterruptedException {
        ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        // the head goes now, as llama-server and vLLM send theirs, not with the first token: a client (or
        // Hearth's gateway, which passes it on) has its 200 while the prompt is processed, or while another
        // request still holds the model, and the first token then travels alone
        out.flush();
        boolean[] first = {true};
        Generator.Result result;
        try {
            result = generator.generate(prompt, req, piece -> {
                event(out, responses.delta(piece, first[0], req.includeUsage()));
                first[0] = false;
            });
        } catch (RuntimeException e) {
            // the status line is gone: report the failure in-band, as OpenAI does mid-stream
            System.err.println("stream failed: " + e);
            event(out, OpenAiResponses.error(json, EngineHttpException.internal("generation failed: " + e.getMessage())));
            return new Generator.Result(prompt.tokens(), 0, Generator.Finish.STOP, 0);
        }
        if (first[0] && req.chat()) {
            event(out, responses.delta("", true, req.includeUsage())); // the role chunk, even for an empty answer
        }
        event(out, responses.finish(result.finish(), req.includeUsage()));
        if (req.includeUsage()) {
            event(out, responses.usageChunk(result));
        }
        out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
        return result;
    }

    private void event(OutputStream out, ObjectNode chunk) throws IOException {
        byte[] data = json.writeValueAsBytes(chunk);
        byte[] frame = new byte[data.length + 8];
        System.arraycopy("data: ".getBytes(StandardCharsets.US_ASCII), 0, frame, 0, 6);
        System.arraycopy(data, 0, frame, 6, data.length);
        frame[frame.length - 2] = '\n';
        frame[frame.length - 1] = '\n';
        out.write(frame);
        out.flush(); // one token per event, sent now: the client sees text as it is generated
    }
}
