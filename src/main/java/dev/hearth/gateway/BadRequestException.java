package dev.hearth.gateway;

import dev.hearth.HearthException;

/** The request itself is wrong: 400 invalid_request_error, naming the parameter at fault. */
public final class BadRequestException extends HearthException {
    private final String param;

    /** @param param the request field at fault (e.g. "input", "messages[2].content"), or null */
    public BadRequestException(String message, String param) {
        super(400, "invalid_request_error", null, message);
        this.param = param;
    }

    @Override
    public String param() { return param; }
}
