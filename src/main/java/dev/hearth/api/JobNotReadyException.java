package dev.hearth.api;

import dev.hearth.gateway.ClientText;
import dev.hearth.HearthException;
import dev.hearth.jobs.Job;
import dev.hearth.jobs.JobState;

/** A download was asked of a job that has not succeeded (yet, or ever): 409. */
public final class JobNotReadyException extends HearthException {
    public JobNotReadyException(Job job, String stateName) {
        super(409, "invalid_request_error", "job_not_ready", message(job, stateName));
    }

    private static String message(Job job, String stateName) {
        String id = job.id();
        String why = job.failure().message();
        if (job.state() == JobState.FAILED || job.state() == JobState.CANCELLED) {
            return "Job '" + id + "' is " + stateName + "; it has no output"
                    + (why == null ? "." : ": " + ClientText.of(why, job.model()));
        }
        return "Job '" + id + "' is " + stateName + "; its output can be downloaded once it has completed.";
    }
}
