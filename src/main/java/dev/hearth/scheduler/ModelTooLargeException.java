package dev.hearth.scheduler;

/** The model needs more than the whole budget (or than all unpinned memory): it can never load. */
public final class ModelTooLargeException extends SchedulerException {
    public ModelTooLargeException(String message) {
        super(503, "service_unavailable", "model_too_large", message);
    }
}
