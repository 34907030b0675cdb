package dev.hearth.engine.llamacpp;

import dev.hearth.HearthException;

/** A request the engine refuses as the client's fault: 400 with the parameter at fault. */
final class InvalidRequestException extends HearthException {
    private final String param;

    InvalidRequestException(String code, String param, String message) {
        super(400, "invalid_request_error", code, message);
        this.param = param;
    }

    @Override
    public String param() { return param; }
}
