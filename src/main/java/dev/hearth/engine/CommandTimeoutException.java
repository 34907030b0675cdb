package dev.hearth.engine;

import dev.hearth.HearthException;

/** A command engine's run took longer than its run_timeout and was killed: the client sees 504. */
public final class CommandTimeoutException extends HearthException {
    public CommandTimeoutException(String message) {
        super(504, "server_error", "engine_timeout", message);
    }
}
