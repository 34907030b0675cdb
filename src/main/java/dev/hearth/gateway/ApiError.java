package dev.hearth.gateway;

import dev.hearth.HearthException;

/** Other client-facing errors the gateway raises itself (401, 404 route, 405, 413…). */
final class ApiError extends HearthException {
    private final String param;

    ApiError(int status, String type, String code, String message, String param) {
        super(status, type, code, message);
        this.param = param;
    }

    static ApiError notFound(String message) {
        return new ApiError(404, "invalid_request_error", "not_found", message, null);
    }

    static ApiError unauthorized(String message) {
        return new ApiError(401, "authentication_error", "invalid_api_key", message, null);
    }

    static ApiError conflict(String message) {
        return new ApiError(409, "invalid_request_error", "conflict", message, null);
    }

    @Override
    public String param() { return param; }
}
