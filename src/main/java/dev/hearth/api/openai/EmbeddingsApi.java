package dev.hearth.api.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.engine.EmbeddingBackend;
import dev.hearth.BadRequestException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * OpenAI's {@code POST /v1/embeddings} for an in-JVM {@link EmbeddingBackend}, without HTTP.
 * The gateway calls {@link #parse} before it asks the scheduler for a lease, so a bad request
 * never loads a model, then {@link #respond} with the leased engine.
 */
public final class EmbeddingsApi {
    /** OpenAI's own limit on inputs per request; bounds the work one request can ask for. */
    public static final int MAX_INPUTS = 2048;


    private EmbeddingsApi() {}

    /**
     * A validated request.
     *
     * @param dimensions the vector length asked for, or null; checked against the model's in {@link #respond}
     */
    public record Request(List<String> input, boolean base64, Long dimensions) {
        public Request {
            input = List.copyOf(input);
        }
    }

    /** Validates the request body. @throws BadRequestException naming the field at fault */
    public static Request parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new BadRequestException("The request body must be a JSON object.", null);
        }
        List<String> input = input(body.get("input"));
        boolean base64 = base64(body.get("encoding_format"));
        return new Request(input, base64, dimensions(body.get("dimensions")));
    }

    /** Embeds the inputs and builds OpenAI's response. */
    static OpenAiDtos.Embeddings respond(Request request, String model, EmbeddingBackend backend) {
        if (request.dimensions() != null && request.dimensions() != backend.dimensions()) {
            throw new BadRequestException("'dimensions' " + request.dimensions() + " is not supported: this model returns "
                    + backend.dimensions() + "-dimensional vectors and cannot shorten them.", "dimensions");
        }
        List<float[]> vectors = backend.embed(request.input());
        int tokens = backend.countTokens(request.input());
        List<OpenAiDtos.Embedding> data = new java.util.ArrayList<>(vectors.size());
        for (int i = 0; i < vectors.size(); i++) {
            float[] v = vectors.get(i);
            data.add(new OpenAiDtos.Embedding("embedding", i, request.base64() ? toBase64(v) : v));
        }
        return new OpenAiDtos.Embeddings("list", data, model, new OpenAiDtos.Usage(tokens, tokens));
    }

    /** Little-endian float32s, base64: what the OpenAI SDKs decode (numpy frombuffer float32). */
    static String toBase64(float[] vector) {
        ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(vector);
        return Base64.getEncoder().encodeToString(bytes.array());
    }

    private static List<String> input(JsonNode input) {
        if (input == null || input.isNull()) {
            throw new BadRequestException("'input' is required: a string or an array of strings.", "input");
        }
        if (input.isTextual()) {
            return List.of(nonEmpty(input.textValue(), "'input'"));
        }
        if (!input.isArray()) {
            throw new BadRequestException("'input' must be a string or an array of strings.", "input");
        }
        if (input.isEmpty()) {
            throw new BadRequestException("'input' must not be an empty array.", "input");
        }
        if (input.size() > MAX_INPUTS) {
            throw new BadRequestException("'input' has " + input.size() + " items; at most " + MAX_INPUTS
                    + " are allowed per request.", "input");
        }
        List<String> texts = new ArrayList<>(input.size());
        for (int i = 0; i < input.size(); i++) {
            JsonNode item = input.get(i);
            if (item.isIntegralNumber() || item.isArray()) {
                // [1, 2, 3] or [[1, 2], [3]]: pre-tokenized input for OpenAI's tokenizer, meaningless here.
                throw new BadRequestException("token-id input is not supported by this model; send text.", "input");
            }
            if (!item.isTextual()) {
                throw new BadRequestException("'input[" + i + "]' must be a string.", "input");
            }
            texts.add(nonEmpty(item.textValue(), "'input[" + i + "]'"));
        }
        return texts;
    }

    private static String nonEmpty(String text, String what) {
        if (text.isEmpty()) {
            throw new BadRequestException(what + " must not be an empty string.", "input");
        }
        return text;
    }

    private static boolean base64(JsonNode format) {
        if (format == null || format.isNull()) {
            return false;
        }
        return switch (format.isTextual() ? format.textValue() : format.toString()) {
            case "float" -> false;
            case "base64" -> true;
            default -> throw new BadRequestException("'encoding_format' must be \"float\" or \"base64\", not "
                    + format + ".", "encoding_format");
        };
    }

    private static Long dimensions(JsonNode dimensions) {
        if (dimensions == null || dimensions.isNull()) {
            return null;
        }
        if (!dimensions.isIntegralNumber() || !dimensions.canConvertToLong()) {
            throw new BadRequestException("'dimensions' " + dimensions + " is not supported: it must be a whole number"
                    + " of dimensions (and this model returns vectors of one fixed length).", "dimensions");
        }
        return dimensions.longValue();
    }
}
