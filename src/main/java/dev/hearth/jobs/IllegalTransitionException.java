package dev.hearth.jobs;

import dev.hearth.HearthException;

/**
 * A state change the transition table forbids, or one asked from a state the job is no longer in
 * (cancel a job that already finished): 409, with a message that says what the job is now.
 */
public final class IllegalTransitionException extends HearthException {
    private final JobState current;

    public IllegalTransitionException(String id, JobState current, String message) {
        super(409, "invalid_request_error", "job_state_conflict", "Job '" + id + "': " + message);
        this.current = current;
    }

    /** The job's state when the change was refused. */
    public JobState current() { return current; }
}
