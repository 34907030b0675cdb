package dev.hearth.engine.llamacpp;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The child's command line: {@code --model PATH --port N [--host H] [--ctx-size N] [--threads N] [--name NAME]},
 * as {@link LlamaCppCommand} writes it and {@link Flags} reads it.
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

    /**
     * Reads the flags. A missing, unknown or bad one throws a {@link ParameterException} whose
     * message names it and whose {@link ParameterException#getCommandLine() command line} prints
     * the usage.
     */
    static EngineArgs parse(String... args) {
        Flags flags = new Flags();
        // a repeated flag takes its last value, as the hand-written parser this replaced did
        new CommandLine(flags).setOverwrittenOptionsAllowed(true).parseArgs(args);
        return flags.toArgs();
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

    /** The flags as picocli reads them; {@link #toArgs()} checks the ranges and fills in the name. */
    @Command(name = "hearth-llamacpp", sortOptions = false, sortSynopsis = false,
            description = "Hearth's llamacpp engine: an OpenAI-compatible server for one GGUF model.")
    static final class Flags {
        @Spec
        CommandSpec spec;

        @Option(names = "--model", required = true, paramLabel = "PATH", description = "the .gguf file")
        Path model;

        @Option(names = "--port", required = true, paramLabel = "N",
                description = "port to listen on (0: any free one)")
        int port;

        @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "HOST",
                description = "address to listen on (default: ${DEFAULT-VALUE})")
        String host;

        @Option(names = "--ctx-size", defaultValue = "" + DEFAULT_CTX_SIZE, paramLabel = "N",
                description = "context size in tokens (default: ${DEFAULT-VALUE})")
        int ctxSize;

        @Option(names = "--threads", defaultValue = "0", paramLabel = "N",
                description = "llama.cpp threads (default: 0, by model size)")
        int threads;

        @Option(names = "--name", paramLabel = "NAME", description = "model name in answers (default: file name)")
        String name;

        EngineArgs toArgs() {
            return new EngineArgs(model, host, inRange("--port", port, 0, 65535),
                    inRange("--ctx-size", ctxSize, 16, 1 << 20), inRange("--threads", threads, 0, 1024),
                    name != null ? name : model.getFileName().toString().replaceFirst("\\.gguf$", ""));
        }

        private int inRange(String flag, int n, int min, int max) {
            if (n < min || n > max) {
                throw new ParameterException(spec.commandLine(),
                        flag + " must be between " + min + " and " + max + ": " + n);
            }
            return n;
        }
    }
}
