package dev.hearth.media;

import dev.hearth.HearthException;

/** An input is larger than {@link MediaLimits#maxBytes()}: 413 naming the field. */
public final class PayloadTooLargeException extends HearthException {
    private final String param;

    public PayloadTooLargeException(String message, String param) {
        super(413, "invalid_request_error", "payload_too_large", message);
        this.param = param;
    }

    @Override
    public String param() { return param; }
}
