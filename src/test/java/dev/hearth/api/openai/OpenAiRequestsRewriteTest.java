package dev.hearth.api.openai;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.Json;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What tells the chat route that it may forward the client's own bytes: nothing in the body was changed. */
class OpenAiRequestsRewriteTest {

    private static ObjectNode body(String json) {
        return Json.parseObject(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void nameUpstream_changesNothing_whenTheBodyNamesTheModelAsItsEngineDoes() {
        ObjectNode b = body("{\"model\":\"qwen\",\"messages\":[]}");
        assertThat(OpenAiRequests.nameUpstream(b, "qwen")).isFalse();
        assertThat(b.get("model").textValue()).isEqualTo("qwen");
    }

    @Test
    void nameUpstream_rewrites_anAliasAMissingModelAndANonTextOne() {
        ObjectNode alias = body("{\"model\":\"fast\"}");
        assertThat(OpenAiRequests.nameUpstream(alias, "qwen")).isTrue();
        assertThat(alias.get("model").textValue()).isEqualTo("qwen");

        ObjectNode missing = body("{\"messages\":[]}"); // the model named only in the path, /v1/{model}/…
        assertThat(OpenAiRequests.nameUpstream(missing, "qwen")).isTrue();
        assertThat(missing.get("model").textValue()).isEqualTo("qwen");

        ObjectNode number = body("{\"model\":7}");
        assertThat(OpenAiRequests.nameUpstream(number, "7")).isTrue();
        assertThat(number.get("model").isTextual()).isTrue();
    }

    @Test
    void applyDefaults_tellsWhetherItAddedAny() {
        ObjectNode given = body("{\"temperature\":0.2,\"max_completion_tokens\":9}");
        assertThat(OpenAiRequests.applyDefaults(given, Map.of("temperature", 0.7, "max_tokens", 100))).isFalse();
        assertThat(given.get("temperature").doubleValue()).isEqualTo(0.2);
        assertThat(given.has("max_tokens")).isFalse();

        ObjectNode bare = body("{}");
        assertThat(OpenAiRequests.applyDefaults(bare, Map.of("temperature", 0.7))).isTrue();
        assertThat(bare.get("temperature").doubleValue()).isEqualTo(0.7);
    }
}
