package dev.hearth.jobs;

import dev.hearth.HearthException;

/** The job exists but has no output by that name (not finished, or it made none): 404. */
public final class OutputNotFoundException extends HearthException {
    public OutputNotFoundException(String id, String name) {
        super(404, "invalid_request_error", "output_not_found", "Job '" + id + "' has no output '" + name + "'.");
    }
}
