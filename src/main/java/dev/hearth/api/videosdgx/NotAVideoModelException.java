package dev.hearth.api.videosdgx;

import dev.hearth.HearthException;
import dev.hearth.catalog.ModelSpec;

/** /models/{m}/… names a model that exists but is not a video model: it has no VideosDGX API (404). */
final class NotAVideoModelException extends HearthException {
    NotAVideoModelException(ModelSpec spec) {
        super(404, "invalid_request_error", "model_not_found", "Model '" + spec.name() + "' is a "
                + spec.task().wire() + " model; only video models have the VideosDGX API under /models/{model}/.");
    }

    @Override
    public String param() { return "model"; }
}
