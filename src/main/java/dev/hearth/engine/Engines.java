package dev.hearth.engine;

import dev.hearth.config.ModelSpec;
import dev.hearth.engine.llamacpp.LlamaCppCommand;
import dev.hearth.engine.onnx.OnnxEmbeddingEngine;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Builds the engine for a model from its spec: the one place that knows every engine kind. */
public final class Engines {
    private final Path logDir;
    private final String mark;

    /** @param dataDir Hearth's data dir: engine logs go to its logs/, and children carry its mark */
    public Engines(Path dataDir) {
        this.logDir = dataDir.resolve("logs");
        this.mark = Leftovers.mark(dataDir);
    }

    public Engine create(ModelSpec spec) {
        return switch (spec.engine()) {
            case "process" -> new ProcessEngine(marked(ProcessSpec.of(spec, logDir)));
            // Hearth's own engine mode in a child JVM: closing a llama.cpp model in-process leaks native
            // memory and a native assert would take the whole server down, so unloading ends the process.
            case "llamacpp" -> new ProcessEngine(marked(new ProcessSpec(spec.name(), LlamaCppCommand.argv(spec),
                    spec.env(), spec.cwd(), "/health", spec.startTimeout(), spec.stopGrace(),
                    logDir.resolve(spec.name() + ".log"))));
            case "onnx-embeddings" -> new OnnxEmbeddingEngine(spec);
            case "remote" -> RemoteEngine.of(spec);
            default -> throw new EngineException("Model '" + spec.name() + "' uses engine '" + spec.engine()
                    + "', which this version of Hearth cannot run yet.");
        };
    }

    /** Every child carries the mark by which a restarted Hearth finds it if this one dies (see {@link Leftovers}). */
    private ProcessSpec marked(ProcessSpec p) {
        Map<String, String> env = new HashMap<>(p.env());
        env.put(Leftovers.MARK, mark);
        return new ProcessSpec(p.model(), p.argv(), env, p.cwd(), p.healthPath(), p.startTimeout(), p.stopGrace(),
                p.logFile());
    }
}
