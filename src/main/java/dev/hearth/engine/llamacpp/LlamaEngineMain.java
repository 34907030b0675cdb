package dev.hearth.engine.llamacpp;

import de.kherud.llama.LlamaModel;
import de.kherud.llama.ModelParameters;
import de.kherud.llama.args.CacheType;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;

/**
 * Hearth's {@code llamacpp} engine: a small OpenAI-compatible server for one GGUF model, run in
 * a child JVM (see {@link LlamaCppCommand}). The process is the unit of loading: java-llama.cpp
 * leaks native memory on close and its threads keep a JVM alive, so unloading means ending this
 * process, and SIGTERM halts it at once.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp ... dev.hearth.engine.llamacpp.LlamaEngineMain \
 *   --model PATH --port N [--host 127.0.0.1] [--ctx-size 4096] [--threads N] [--name NAME]
 * </pre>
 */
public final class LlamaEngineMain {

    private LlamaEngineMain() {}

    public static void main(String[] args) {
        EngineArgs config;
        try {
            config = EngineArgs.parse(args);
        } catch (CommandLine.ParameterException e) {
            System.err.println("hearth-llamacpp: " + e.getMessage());
            e.getCommandLine().usage(System.err);
            System.exit(CommandLine.ExitCode.USAGE);
            return;
        }
        EngineHttpServer http;
        try {
            http = EngineHttpServer.start(config.host(), config.port(), config.name());
        } catch (IOException e) {
            log("cannot listen on " + config.host() + ":" + config.port() + ": " + e.getMessage());
            Runtime.getRuntime().halt(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log("terminating");
            // halt at once, not a normal exit: closing the model can crash or hang in native code,
            // the process ending is what frees its memory, and the HTTP server's own stop() waits
            // up to a second for its dispatcher; the OS closes the socket and any open streams
            Runtime.getRuntime().halt(0);
        }, "shutdown"));
        // Hearth killed with -9 cannot stop us: end with it rather than hold memory nobody counts
        ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> {
            log("parent process " + parent.pid() + " ended; exiting");
            Runtime.getRuntime().halt(0);
        }));
        log("listening on http://" + config.host() + ":" + http.port() + " (loading " + config.model() + ")");
        try {
            http.ready(load(config, http));
        } catch (Throwable e) {
            log("failed to load " + config.model() + ": " + e);
            Runtime.getRuntime().halt(1);
        }
        log("ready: model '" + config.name() + "' loaded");
    }

    private static CompletionHandler load(EngineArgs config, EngineHttpServer http) throws IOException {
        if (!Files.isReadable(config.model())) {
            throw new IOException("model file not readable: " + config.model());
        }
        long start = System.nanoTime();
        int threads = config.effectiveThreads();
        ModelParameters params = new ModelParameters()
                .setModel(config.model().toString())
                .setCtxSize(config.ctxSize());
        if (threads > 0) {
            params.setThreads(threads).setThreadsBatch(threads);
        }
        if (config.smallModel()) {
            params.setCacheTypeK(CacheType.F32).setCacheTypeV(CacheType.F32); // see EngineArgs.SMALL_MODEL_BYTES
        }
        log("loading: ctx-size " + config.ctxSize() + ", threads " + (threads > 0 ? threads : "llama.cpp default")
                + ", kv cache " + (config.smallModel() ? "f32" : "f16"));
        // the first use of LlamaModel extracts and loads the native library: only after the
        // HTTP server is up, so /health answers 503 during it
        LlamaModel model = new LlamaModel(params);
        log(String.format("model loaded in %d ms", (System.nanoTime() - start) / 1_000_000));
        return new CompletionHandler(http, new Generator(model, config.ctxSize()), new ChatFormatter(model),
                config.name());
    }

    static void log(String line) {
        System.out.println("[hearth-llamacpp] " + line);
        System.out.flush();
    }
}
