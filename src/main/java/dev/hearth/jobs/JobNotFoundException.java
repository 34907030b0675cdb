package dev.hearth.jobs;

import dev.hearth.HearthException;

/** No job with this id (never created, or deleted by retention): 404. */
public final class JobNotFoundException extends HearthException {
    public JobNotFoundException(String id) {
        super(404, "invalid_request_error", "job_not_found", "No job '" + id + "'.");
    }
}
