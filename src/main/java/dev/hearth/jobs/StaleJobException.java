package dev.hearth.jobs;

import dev.hearth.HearthException;

/**
 * Optimistic locking lost: the job changed between reading it and writing the change (another
 * node, the reaper, or a cancel from the API). The caller re-reads and decides again: 409.
 */
public final class StaleJobException extends HearthException {
    public StaleJobException(String id, long expectedVersion) {
        super(409, "invalid_request_error", "job_state_conflict",
                "Job '" + id + "' changed while being updated (version " + expectedVersion + " is stale); retry.");
    }
}
