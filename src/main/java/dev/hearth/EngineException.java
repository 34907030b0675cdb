package dev.hearth;


/** An engine failed to start or died: the client sees 502 with this message. */
public class EngineException extends HearthException {

    public EngineException(String message) {
        super(502, "engine_error", "engine_failed", message);
    }

    public EngineException(String message, Throwable cause) {
        super(502, "engine_error", "engine_failed", message, cause);
    }
}
