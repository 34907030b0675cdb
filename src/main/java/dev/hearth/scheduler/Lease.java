package dev.hearth.scheduler;

import dev.hearth.engine.Engine;

/**
 * The right to send one request (or run one job) to a ready engine. While any lease is open the
 * model is not idle and is never evicted. Close it exactly once when the work ends; closing
 * again does nothing.
 */
public interface Lease extends AutoCloseable {

    Engine engine();

    /**
     * Runs {@code handler} (once, on another thread) with the reason when the scheduler wants this
     * lease back before the work is done: the model is being unloaded or Hearth is stopping. The
     * holder should end its work and close the lease. Holders that do not register finish first.
     */
    default void onRevoke(java.util.function.Consumer<String> handler) {}

    @Override
    void close();
}
