package dev.hearth.gateway;

import dev.hearth.EngineException;

import java.util.concurrent.TimeUnit;

/** Builds the 502 a client sees when the engine serving it dies or cannot be reached. */
final class EngineStopped {
    private EngineStopped() {}

    /**
     * The engine's own account of its exit arrives a moment after the broken connection, so wait
     * briefly for it: "exited with code 137" tells the user far more than "connection reset".
     */
    static EngineException of(Proxy.Upstream engine, Exception cause) {
        String model = engine.model();
        String reason;
        try {
            // the reason ends with the engine's last log lines: those are for admins, not clients
            reason = ClientText.withoutLogLines(engine.crashed().get().get(2, TimeUnit.SECONDS), model);
        } catch (Exception notCrashed) {
            reason = null;
        }
        String message = reason == null
                ? "The engine serving model '" + model + "' stopped answering mid-request ("
                        + cause.getClass().getSimpleName() + "). Try again; Hearth restarts it on the next request."
                : "The engine serving model '" + model + "' stopped while answering: " + reason
                        + " Hearth starts it again on the next request.";
        return new EngineException(message, cause);
    }
}
