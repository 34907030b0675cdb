package dev.hearth.api.openai;

import dev.hearth.engine.onnx.SharedEngine;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.BadRequestException;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The OpenAI /v1/embeddings dialect against the real model; JSON goes through text and back as on the wire. */
class EmbeddingsApiTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static JsonNode call(String body) throws Exception {
        JsonNode response = MAPPER.valueToTree(EmbeddingsApi.respond(
                EmbeddingsApi.parse(MAPPER.readTree(body)), "minilm", SharedEngine.started()));
        return MAPPER.readTree(MAPPER.writeValueAsString(response));
    }

    @Test
    void EmbeddingsApi_answersInOpenAiShape_whenInputIsAString() throws Exception {
        JsonNode r = call("{\"model\":\"minilm\",\"input\":\"a cat sits on the mat\"}");

        assertThat(r.get("object").asText()).isEqualTo("list");
        assertThat(r.get("model").asText()).isEqualTo("minilm");
        assertThat(r.get("data")).hasSize(1);
        JsonNode item = r.get("data").get(0);
        assertThat(item.get("object").asText()).isEqualTo("embedding");
        assertThat(item.get("index").asInt()).isZero();
        assertThat(item.get("embedding")).hasSize(384);
        assertThat(r.get("usage").get("prompt_tokens").asInt()).isEqualTo(6);
        assertThat(r.get("usage").get("total_tokens").asInt()).isEqualTo(6);
    }

    @Test
    void EmbeddingsApi_indexesInInputOrder_whenInputIsAnArray() throws Exception {
        JsonNode r = call("{\"input\":[\"first\",\"second text\",\"third one here\"],\"encoding_format\":\"float\"}");

        assertThat(r.get("data")).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(r.get("data").get(i).get("index").asInt()).isEqualTo(i);
        }
        float[] second = SharedEngine.started().embed(List.of("second text")).getFirst();
        assertThat(floats(r.get("data").get(1).get("embedding"))).containsExactly(second);
    }

    @Test
    void EmbeddingsApi_returnsLittleEndianFloat32Base64_whenEncodingFormatIsBase64() throws Exception {
        String body = "{\"input\":[\"round trip\",\"another\"],\"encoding_format\":\"%s\"}";
        JsonNode asFloats = call(body.formatted("float"));
        JsonNode asBase64 = call(body.formatted("base64"));

        for (int i = 0; i < 2; i++) {
            byte[] bytes = Base64.getDecoder().decode(asBase64.get("data").get(i).get("embedding").asText());
            assertThat(bytes).hasSize(384 * 4);
            float[] decoded = new float[384];
            ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(decoded);
            assertThat(decoded).containsExactly(floats(asFloats.get("data").get(i).get("embedding")));
        }
    }

    @Test
    void EmbeddingsApi_encodesLikeNumpyFloat32_whenGivenKnownValues() {
        // python: base64.b64encode(struct.pack('<ff', 1.0, -2.5)); numpy.frombuffer(..., 'float32') reads it back
        assertThat(EmbeddingsApi.toBase64(new float[] {1.0f, -2.5f})).isEqualTo("AACAPwAAIMA=");
    }

    @Test
    void EmbeddingsApi_accepts384Dimensions_whenAskedForTheNativeSize() throws Exception {
        assertThat(call("{\"input\":\"x\",\"dimensions\":384}").get("data").get(0).get("embedding")).hasSize(384);
    }

    @Test
    void EmbeddingsApi_refusesTokenIds_whenInputIsIntegers() {
        assertBadRequest("{\"input\":[15339, 1917]}", "input", "token-id input is not supported by this model");
        assertBadRequest("{\"input\":[[15339, 1917],[1]]}", "input", "token-id input is not supported by this model");
    }

    @Test
    void EmbeddingsApi_refusesEmptyInput_whenStringOrArrayIsEmpty() {
        assertBadRequest("{\"input\":\"\"}", "input", "'input' must not be an empty string");
        assertBadRequest("{\"input\":[]}", "input", "'input' must not be an empty array");
        assertBadRequest("{\"input\":[\"ok\",\"\"]}", "input", "'input[1]' must not be an empty string");
    }

    @Test
    void EmbeddingsApi_refusesMissingOrMistypedInput_whenNotText() {
        assertBadRequest("{\"model\":\"minilm\"}", "input", "'input' is required");
        assertBadRequest("{\"input\":{\"text\":\"x\"}}", "input", "'input' must be a string or an array of strings");
        assertBadRequest("{\"input\":[\"ok\",true]}", "input", "'input[1]' must be a string");
        assertBadRequest("[1,2]", null, "must be a JSON object");
    }

    @Test
    void EmbeddingsApi_refusesTooManyInputs_whenOverOpenAiLimit() {
        String body = "{\"input\":[" + "\"x\",".repeat(EmbeddingsApi.MAX_INPUTS) + "\"x\"]}";
        assertBadRequest(body, "input", "at most 2048");
    }

    @Test
    void EmbeddingsApi_refusesOtherDimensions_whenModelCannotShorten() {
        // the model's length is known once it is reached: a length it cannot give is refused there
        assertThatThrownBy(() -> call("{\"input\":\"x\",\"dimensions\":256}"))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.param()).isEqualTo("dimensions"))
                .hasMessageContaining("'dimensions' 256 is not supported").hasMessageContaining("384-dimensional");
        assertBadRequest("{\"input\":\"x\",\"dimensions\":\"384\"}", "dimensions", "whole number");
    }

    @Test
    void EmbeddingsApi_refusesUnknownEncoding_whenNotFloatOrBase64() {
        assertBadRequest("{\"input\":\"x\",\"encoding_format\":\"int8\"}", "encoding_format",
                "'encoding_format' must be \"float\" or \"base64\"");
    }

    private static void assertBadRequest(String body, String param, String message) {
        assertThatThrownBy(() -> EmbeddingsApi.parse(MAPPER.readTree(body)))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.type()).isEqualTo("invalid_request_error");
                    assertThat(e.param()).isEqualTo(param);
                })
                .hasMessageContaining(message);
    }

    private static float[] floats(JsonNode array) {
        float[] v = new float[array.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = array.get(i).floatValue();
        }
        return v;
    }
}
