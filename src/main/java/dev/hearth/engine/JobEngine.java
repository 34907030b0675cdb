package dev.hearth.engine;

import dev.hearth.EngineException;

/**
 * An engine that runs queued jobs, one at a time: what the job dispatcher needs of it. A worker
 * child ({@code worker}, {@code testsrc}) and a remote LightX2V server ({@code lightx2v}) both are.
 */
public interface JobEngine {

    /**
     * Runs one job and blocks until it ends; progress and outputs go to {@code listener} on the
     * calling thread.
     *
     * @throws IllegalStateException when another job runs, or the engine is not started
     * @throws EngineException       when the engine cannot take the job at all
     */
    WorkerRun run(JobRequest req, WorkerListener listener);

    /**
     * Asks the running job to stop; its {@link #run} then returns {@link WorkerRun.Cancelled}.
     *
     * @return false when {@code job} is not the job running here
     */
    boolean cancel(String job);
}
