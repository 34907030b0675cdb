package dev.hearth;


/** The API key is valid but its role may not do this: 403, naming the parameter when one is at fault. */
public final class ForbiddenException extends HearthException {
    private final String param;

    public ForbiddenException(String message, String param) {
        super(403, "permission_error", "forbidden", message);
        this.param = param;
    }

    @Override
    public String param() { return param; }
}
