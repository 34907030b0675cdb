package dev.hearth.engine;

import java.util.List;

/** How a job on a worker ended. */
public sealed interface WorkerRun {

    record Done() implements WorkerRun { }

    /** The worker reported the job failed ({@code oom}, {@code encoder}, {@code bad_params}, …). */
    record Error(String code, String message) implements WorkerRun { }

    /** Cancelled: the worker answered {@code cancelled}, or was killed after the cancel grace. */
    record Cancelled() implements WorkerRun { }

    /** The worker sent nothing for {@code stallTimeout} and was killed. */
    record Stalled() implements WorkerRun { }

    /** The worker exited during the job; {@code lastLogLines} are its last stderr lines. */
    record Crashed(int exitCode, List<String> lastLogLines) implements WorkerRun {
        public Crashed {
            lastLogLines = List.copyOf(lastLogLines);
        }
    }
}
