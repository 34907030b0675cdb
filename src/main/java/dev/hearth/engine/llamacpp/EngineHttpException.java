package dev.hearth.engine.llamacpp;

import dev.hearth.HearthException;

/** An HTTP-level refusal (404, 405, 413, 503 while loading, 500 when llama.cpp fails). */
final class EngineHttpException extends HearthException {
    private final long retryAfter;

    private EngineHttpException(int status, String type, String code, String message, long retryAfter) {
        super(status, type, code, message);
        this.retryAfter = retryAfter;
    }

    static EngineHttpException notFound(String path) {
        return new EngineHttpException(404, "invalid_request_error", "not_found", "No route for " + path, -1);
    }

    static EngineHttpException methodNotAllowed(String method, String path) {
        return new EngineHttpException(405, "invalid_request_error", "method_not_allowed",
                method + " is not allowed on " + path, -1);
    }

    static EngineHttpException tooLarge(long limit) {
        return new EngineHttpException(413, "invalid_request_error", "request_too_large",
                "The request body is larger than " + limit + " bytes", -1);
    }

    static EngineHttpException loading() {
        return new EngineHttpException(503, "unavailable", "model_loading", "The model is still loading", 1);
    }

    static EngineHttpException internal(String message) {
        return new EngineHttpException(500, "server_error", "engine_error", message, -1);
    }

    @Override
    public long retryAfterSeconds() { return retryAfter; }
}
