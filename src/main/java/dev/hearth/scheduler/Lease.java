package dev.hearth.scheduler;

import dev.hearth.engine.Engine;

/**
 * The right to send one request (or run one job) to a ready engine. While any lease is open the
 * model is not idle and is never evicted. Close it exactly once when the work ends; closing
 * again does nothing.
 */
public interface Lease extends AutoCloseable {

    Engine engine();

    @Override
    void close();
}
