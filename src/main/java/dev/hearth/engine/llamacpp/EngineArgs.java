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
     * Models below this size decode one token in well under a millisecond, where synchronising
     * llama.cpp's worker threads costs more than it saves: stories260K ran ~3x faster on 1 thread
     * than on 2 (see LlamaThroughputHarness). Bigger models are compute-bound and want every core.
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
        if (threads > 0) {
            return threads;
        }
        try {
            return Files.size(model) < SMALL_MODEL_BYTES ? 1 : 0;
        } catch (java.io.IOException e) {
            return 0; // the load reports the real problem
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
