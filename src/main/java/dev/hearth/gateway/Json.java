package dev.hearth.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.SerializationFeature;

/** The one ObjectMapper of the gateway, and request-body parsing with client-facing messages. */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private Json() {}

    public static ObjectNode object() { return MAPPER.createObjectNode(); }

    public static byte[] bytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    /** Parses a request body that must be a JSON object; anything else is the client's error. */
    public static ObjectNode parseObject(byte[] body) {
        if (body.length == 0) {
            throw new BadRequestException("The request body is empty; send a JSON object.", null);
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            // getOriginalMessage() leaves out Jackson's source excerpt and location suffix
            throw new BadRequestException("The request body is not valid JSON: " + e.getOriginalMessage()
                    + " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")", null);
        } catch (java.io.IOException e) {
            throw new BadRequestException("The request body could not be read.", null);
        }
        if (node == null || !node.isObject()) {
            throw new BadRequestException("The request body must be a JSON object, got "
                    + (node == null ? "nothing" : node.getNodeType().name().toLowerCase(java.util.Locale.ROOT)) + ".", null);
        }
        return (ObjectNode) node;
    }
}
