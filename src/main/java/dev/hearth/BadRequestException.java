package dev.hearth;


/** The client sent something wrong: 400 naming the parameter at fault. */
public class BadRequestException extends HearthException {
    private final String param;

    public BadRequestException(String message, String param) {
        super(400, "invalid_request_error", param == null ? "invalid_request" : "invalid_value", message);
        this.param = param;
    }

    @Override
    public String param() { return param; }
}
