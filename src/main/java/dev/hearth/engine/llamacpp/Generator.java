package dev.hearth.engine.llamacpp;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaIterator;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;

import java.io.IOException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs one generation at a time on the loaded model. Requests queue on a fair lock instead of
 * sharing llama.cpp slots: one slot keeps the whole context for one request, Hearth's scheduler
 * already bounds concurrency per model, and a second request can never see the first one's state.
 */
final class Generator {

    enum Finish { STOP, LENGTH }

    /** Receives output text as it becomes final; throws when the client has gone away. */
    interface TextSink {
        void accept(String text) throws IOException;
    }

    record Result(int promptTokens, int completionTokens, Finish finish, long nanos) {}

    /** A request's text, its size in tokens and the room left for the answer. */
    record Prompt(String text, int tokens, int limit) {}

    /** The client stopped reading: generation was cancelled. */
    static final class ClientGoneException extends IOException {
        ClientGoneException(int tokens, IOException cause) {
            super("client disconnected after " + tokens + " tokens", cause);
        }
    }

    private final LlamaModel model;
    private final int ctxSize;
    private final ReentrantLock lock = new ReentrantLock(true);

    Generator(LlamaModel model, int ctxSize) {
        this.model = model;
        this.ctxSize = ctxSize;
    }

    /** Tokenizes the prompt and checks it fits, before any response is started. */
    Prompt prepare(String text, Integer maxTokens) {
        // usage counts the text's tokens; llama.cpp may add a BOS token it does not show us,
        // hence the one token of margin on the room left
        int tokens = model.encode(text).length;
        int room = ctxSize - tokens - 1;
        if (room < 1) {
            throw new InvalidRequestException("context_length_exceeded", "messages",
                    "The prompt is " + tokens + " tokens; this model's context is " + ctxSize + " tokens");
        }
        // without max_tokens, stop when the context is full: llama.cpp would otherwise shift the
        // context and go on forever for a model that never writes end-of-text
        return new Prompt(text, tokens, maxTokens == null ? room : Math.min(maxTokens, room));
    }

    Result generate(Prompt prompt, GenerationRequest req, TextSink sink) throws IOException, InterruptedException {
        InferenceParameters params = new InferenceParameters(prompt.text()).setNPredict(prompt.limit());
        if (req.temperature() != null) {
            params.setTemperature(req.temperature().floatValue());
        }
        if (req.topP() != null) {
            params.setTopP(req.topP().floatValue());
        }
        if (req.seed() != null) {
            // a reused prompt cache evaluates the prompt in different batch sizes, and llama.cpp's
            // logits are not bit-identical across batch sizes: a seeded request must not reuse it
            params.setSeed(Long.hashCode(req.seed()) & Integer.MAX_VALUE).setCachePrompt(false);
        }
        if (req.ignoreEos()) {
            params.setIgnoreEos(true);
        }
        StopMatcher stops = new StopMatcher(req.stop());
        lock.lockInterruptibly();
        long start = System.nanoTime();
        int tokens = 0;
        LlamaIterator it = null;
        try {
            it = model.generate(params).iterator();
            while (it.hasNext()) {
                LlamaOutput out = it.next();
                boolean last = !it.hasNext();
                if (!last) {
                    tokens += tokenCount(out.text);
                }
                emit(sink, stops.feed(out.text), tokens);
                if (stops.stopped()) {
                    break;
                }
            }
            if (!stops.stopped()) {
                emit(sink, stops.flush(), tokens);
            }
        } finally {
            if (it != null && it.hasNext()) {
                it.cancel(); // stop sequence or client gone: free the slot now, not after n_predict
            }
            lock.unlock();
        }
        tokens = Math.min(tokens, prompt.limit()); // re-encoding a merged output can overcount by one
        Finish finish = !stops.stopped() && tokens >= prompt.limit() ? Finish.LENGTH : Finish.STOP;
        return new Result(prompt.tokens(), tokens, finish, System.nanoTime() - start);
    }

    private static void emit(TextSink sink, String text, int tokens) throws ClientGoneException {
        if (text.isEmpty()) {
            return;
        }
        try {
            sink.accept(text);
        } catch (IOException e) {
            throw new ClientGoneException(tokens, e);
        }
    }

    /**
     * llama.cpp sends one output per token, except that a token ending inside a UTF-8 character
     * is held back and sent with the next one; count such merged outputs by their tokens.
     */
    private int tokenCount(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= 0x80) {
                return Math.max(1, model.encode(text).length);
            }
        }
        return 1;
    }
}
