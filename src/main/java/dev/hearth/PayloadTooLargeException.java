package dev.hearth;

/** An input is larger than the media limits: 413 naming the field. */
public final class PayloadTooLargeException extends HearthException {
    private final String param;

    public PayloadTooLargeException(String message, String param) {
        this("payload_too_large", message, param);
    }

    private PayloadTooLargeException(String code, String message, String param) {
        super(413, "invalid_request_error", code, message);
        this.param = param;
    }

    /** The request body itself is past a parser limit (nesting, string or number length). */
    public static PayloadTooLargeException requestBody(String message) {
        return new PayloadTooLargeException("request_too_large", message, null);
    }

    @Override
    public String param() { return param; }
}
