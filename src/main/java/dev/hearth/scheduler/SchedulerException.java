package dev.hearth.scheduler;

import dev.hearth.HearthException;

/** Base of the scheduler's refusals. */
public abstract class SchedulerException extends HearthException {
    protected SchedulerException(int status, String type, String code, String message) {
        super(status, type, code, message);
    }
}
