package dev.hearth.engine.llamacpp;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The child's command line: {@code --model PATH --port N [--host H] [--ctx-size N] [--threads N] [--name NAME]}.
 *
 * @param threads 0 = choose from the model size (see {@link #effectiveThreads()})
 */
record EngineArgs(Path model, String host, int port, int ctxSize, int threads, String name) {

    static final int DEFAULT_CTX_SIZE = 4096;

    /**
     * Below this size a model decodes a token in well under a millisecond and per-token overheads
     * dominate, so it gets tuned differently (see LlamaThroughputHarness, stories260K, 2 cores):
     * one thread (as fast as two on an idle box, ~3x faster when the other core is busy, because
     * llama.cpp's threads wait for each other at every op) and an f32 KV cache (+15% at 200
     * tokens, +35% at 1,000: no f16 conversion in attention; twice the KV memory, which is
     * nothing at this size). Bigger models are compute-bound and want every core and f16.
     */
    static final long SMALL_MODEL_BYTES = 64L << 20;

    static EngineArgs parse(String... args) {
        Path model = null;
        String host = "127.0.0.1";
        Integer port = null;
        int ctx = DEFAULT_CTX_SIZE;
        int threads = 0;
        String name = null;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            String value = args[++i];
            switch (flag) {
                case "--model" -> model = Path.of(value);
                case "--host" -> host = value;
                case "--port" -> port = number(flag, value, 0, 65535);
                case "--ctx-size" -> ctx = number(flag, value, 16, 1 << 20);
                case "--threads" -> threads = number(flag, value, 0, 1024);
                case "--name" -> name = value;
                default -> throw new IllegalArgumentException("unknown flag " + flag);
            }
        }
        if (model == null) {
            throw new IllegalArgumentException("--model is required");
        }
        if (port == null) {
            throw new IllegalArgumentException("--port is required");
        }
        if (name == null) {
            name = model.getFileName().toString().replaceFirst("\\.gguf$", "");
        }
        return new EngineArgs(model, host, port, ctx, threads, name);
    }

    /** Threads for llama.cpp, or 0 to let it use its own default (one per physical core). */
    int effectiveThreads() {
        return threads > 0 ? threads : smallModel() ? 1 : 0;
    }

    boolean smallModel() {
        try {
            return Files.size(model) < SMALL_MODEL_BYTES;
        } catch (java.io.IOException e) {
            return false; // the load reports the real problem
        }
    }

    private static int number(String flag, String value, int min, int max) {
        try {
            int n = Integer.parseInt(value);
            if (n < min || n > max) {
                throw new IllegalArgumentException(flag + " must be between " + min + " and " + max + ": " + value);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " must be a number: " + value);
        }
    }
}
