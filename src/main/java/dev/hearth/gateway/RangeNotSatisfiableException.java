package dev.hearth.gateway;

import dev.hearth.HearthException;

/** A Range that starts past the end of the file (or {@code bytes=-0}): 416 in the error envelope. */
public final class RangeNotSatisfiableException extends HearthException {
    RangeNotSatisfiableException(long size) {
        super(416, "invalid_request_error", "range_not_satisfiable",
                "The requested Range starts past the end of the file, which is " + size
                        + " bytes; ask for bytes=0- or a range below " + size + ".");
    }
}
