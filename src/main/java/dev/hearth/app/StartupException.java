package dev.hearth.app;

/**
 * Why Hearth cannot start, in one line a user can act on (a port in use, a data dir another Hearth
 * holds). Thrown before anything has started, so nothing needs stopping.
 */
public final class StartupException extends RuntimeException {
    public StartupException(String message) {
        super(message);
    }
}
