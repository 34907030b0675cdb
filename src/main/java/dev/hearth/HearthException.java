package dev.hearth;

/**
 * An error a client can be told about. Each subclass names its HTTP status and OpenAI error type;
 * the gateway maps them to the error envelope in one place. The message is shown to the client,
 * so it must never carry a secret or a stack trace.
 */
public abstract class HearthException extends RuntimeException {
    private final int status;
    private final String type;
    private final String code;

    protected HearthException(int status, String type, String code, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.type = type;
        this.code = code;
    }

    protected HearthException(int status, String type, String code, String message) {
        this(status, type, code, message, null);
    }

    public int status() { return status; }

    public String type() { return type; }

    public String code() { return code; }

    /** The request parameter at fault, or null. */
    public String param() { return null; }

    /** Seconds a client should wait before retrying, or -1 when retrying will not help. */
    public long retryAfterSeconds() { return -1; }

    /** More fields of the error object (beside message, type, code and param), in order; none by default. */
    public java.util.Map<String, Object> details() { return java.util.Map.of(); }
}
