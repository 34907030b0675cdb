package dev.hearth.scheduler;

/** No model by that name or alias: 404. */
public final class UnknownModelException extends SchedulerException {
    public UnknownModelException(String model) {
        super(404, "invalid_request_error", "model_not_found",
                "The model '" + model + "' does not exist. GET /v1/models lists the models this server has.");
    }

    @Override
    public String param() { return "model"; }
}
