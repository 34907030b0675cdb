package dev.hearth.engine;

import dev.hearth.EngineException;
import dev.hearth.catalog.ModelSpec;
import static dev.hearth.catalog.EngineKind.*;
import dev.hearth.engine.command.CommandEngine;
import dev.hearth.engine.lightx2v.LightX2vEngine;
import dev.hearth.engine.llamacpp.LlamaCppCommand;
import dev.hearth.engine.onnx.OnnxEmbeddingEngine;
import dev.hearth.engine.process.ChildSpec;

import dev.hearth.engine.testsrc.TestsrcWorkerMain;
import dev.hearth.engine.worker.WorkerEngine;
import dev.hearth.engine.worker.WorkerSpec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

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
        // exhaustive: a new EngineKind does not compile until it has a factory here
        return switch (spec.engine()) {
            case PROCESS -> {
                var p = ProcessSpec.of(spec, logDir);
                yield new ProcessEngine(new ProcessSpec(marked(p.child()), p.healthPath()));
            }
            // Hearth's own engine mode in a child JVM: closing a llama.cpp model in-process leaks native
            // memory and a native assert would take the whole server down, so unloading ends the process.
            case LLAMACPP -> new ProcessEngine(new ProcessSpec(
                    marked(child(spec, LlamaCppCommand.argv(spec), spec.stopGrace())), "/health"));
            case ONNX_EMBEDDINGS -> new OnnxEmbeddingEngine(spec);
            case REMOTE -> RemoteEngine.of(spec);
            case LIGHTX2V -> LightX2vEngine.of(spec);
            case WORKER -> new WorkerEngine(worker(spec, ProcessSpec.shell(spec.cmd())));
            // a synthetic source in a child JVM, so it proves the whole worker path (see its DESCRIPTION)
            case TESTSRC -> new WorkerEngine(worker(spec, TestsrcWorkerMain.argv()));
            // no server: one child per request, from the command template (argv, no shell)
            case COMMAND -> new CommandEngine(spec, logDir.resolve(spec.name() + ".log"), Leftovers.MARK, mark);
        };
    }

    private WorkerSpec worker(ModelSpec spec, List<String> argv) {
        // a worker needs a moment to read "shutdown"; zero (kill at once) becomes the shortest grace
        Duration grace = spec.stopGrace().isZero() ? Duration.ofMillis(1) : spec.stopGrace();
        return new WorkerSpec(marked(child(spec, argv, grace)), spec.jobs().stallTimeout(), spec.jobs().cancelGrace());
    }

    private ChildSpec child(ModelSpec spec, List<String> argv, Duration stopGrace) {
        return new ChildSpec(spec.name(), argv, spec.env(), spec.cwd(), spec.startTimeout(), stopGrace,
                logDir.resolve(spec.name() + ".log"));
    }

    /** Every child carries the mark by which a restarted Hearth finds it if this one dies (see {@link Leftovers}). */
    private ChildSpec marked(ChildSpec c) {
        return c.withEnv(Leftovers.MARK, mark);
    }
}
