package dev.hearth.engine;

import dev.hearth.engine.worker.WorkerEngine;
import java.nio.file.Path;

/** What a running job reports, called on the thread that called {@link WorkerEngine#run}. */
public interface WorkerListener {

    /** @param progress 0..1; {@code step}/{@code steps} are 0 when the worker does not count steps */
    default void progress(double progress, String stage, int step, int steps) { }

    /** An output file is complete (written atomically) at {@code path}. */
    default void output(Path path, String contentType) { }

    WorkerListener NONE = new WorkerListener() { };
}
