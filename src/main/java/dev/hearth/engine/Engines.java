package dev.hearth.engine;

import dev.hearth.config.ModelSpec;
import dev.hearth.engine.llamacpp.LlamaCppCommand;
import dev.hearth.engine.onnx.OnnxEmbeddingEngine;

import java.nio.file.Path;

/** Builds the engine for a model from its spec: the one place that knows every engine kind. */
public final class Engines {
    private final Path logDir;

    public Engines(Path logDir) {
        this.logDir = logDir;
    }

    public Engine create(ModelSpec spec) {
        return switch (spec.engine()) {
            case "process" -> new ProcessEngine(ProcessSpec.of(spec, logDir));
            // Hearth's own engine mode in a child JVM: closing a llama.cpp model in-process leaks native
            // memory and a native assert would take the whole server down, so unloading ends the process.
            case "llamacpp" -> new ProcessEngine(new ProcessSpec(spec.name(), LlamaCppCommand.argv(spec), spec.env(),
                    spec.cwd(), "/health", spec.startTimeout(), spec.stopGrace(), logDir.resolve(spec.name() + ".log")));
            case "onnx-embeddings" -> new OnnxEmbeddingEngine(spec);
            case "remote" -> RemoteEngine.of(spec);
            default -> throw new EngineException("Model '" + spec.name() + "' uses engine '" + spec.engine()
                    + "', which this version of Hearth cannot run yet.");
        };
    }
}
