package dev.hearth.api.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.BadRequestException;
import dev.hearth.Json;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResponsesTranslatorTest {
    private static ResponsesTranslator.Translated translate(String json) {
        ObjectNode req = Json.parseObject(json.getBytes(StandardCharsets.UTF_8));
        return ResponsesTranslator.toChat(req, "upstream", id -> Optional.<ArrayNode>empty());
    }

    private static JsonNode tree(String json) {
        return Json.parseObject(("{\"v\":" + json + "}").getBytes(StandardCharsets.UTF_8)).get("v");
    }

    @Test
    void items_becomeChatMessages_developerAsSystem_partsJoined_parallelCallsInOneAssistantTurn() {
        ObjectNode chat = translate("""
                {"model":"m","instructions":"Be brief.","max_output_tokens":5,"temperature":0.5,"stream":true,
                 "input":[{"role":"developer","content":"Rules."},
                          {"role":"user","content":[{"type":"input_text","text":"Weather "},{"type":"input_text","text":"and time?"}]},
                          {"type":"reasoning","summary":[]},
                          {"type":"function_call","call_id":"c1","name":"weather","arguments":"{}"},
                          {"type":"function_call","call_id":"c2","name":"time","arguments":"{}"},
                          {"type":"function_call_output","call_id":"c1","output":"sunny"},
                          {"type":"function_call_output","call_id":"c2","output":[{"type":"input_text","text":"noon"}]}]}""")
                .chat();

        assertThat(chat.path("model").asText()).isEqualTo("upstream");
        assertThat(chat.path("messages")).isEqualTo(tree("""
                [{"role":"system","content":"Be brief."},{"role":"system","content":"Rules."},
                 {"role":"user","content":"Weather and time?"},
                 {"role":"assistant","content":null,"tool_calls":[
                   {"id":"c1","type":"function","function":{"name":"weather","arguments":"{}"}},
                   {"id":"c2","type":"function","function":{"name":"time","arguments":"{}"}}]},
                 {"role":"tool","tool_call_id":"c1","content":"sunny"},
                 {"role":"tool","tool_call_id":"c2","content":"noon"}]"""));
        assertThat(chat.path("max_tokens").asInt()).isEqualTo(5);
        assertThat(chat.path("temperature").asDouble()).isEqualTo(0.5);
        assertThat(chat.at("/stream_options/include_usage").asBoolean()).isTrue();
    }

    @Test
    void anImage_keepsChatsPartArray_andJsonSchemaBecomesResponseFormat() {
        ObjectNode chat = translate("""
                {"model":"m","text":{"format":{"type":"json_schema","name":"pet","schema":{"type":"object"},"strict":true}},
                 "input":[{"role":"user","content":[{"type":"input_text","text":"What is it?"},
                                                    {"type":"input_image","image_url":"data:image/png;base64,AAAA"}]}]}""")
                .chat();

        assertThat(chat.at("/messages/0/content")).isEqualTo(tree("""
                [{"type":"text","text":"What is it?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}}]"""));
        assertThat(chat.path("response_format")).isEqualTo(tree("""
                {"type":"json_schema","json_schema":{"name":"pet","schema":{"type":"object"},"strict":true}}"""));
    }

    @Test
    void aFunctionCallWithoutItsCallId_isRefused_namingTheField() {
        assertThatThrownBy(() -> translate("""
                {"model":"m","input":[{"type":"function_call","name":"weather","arguments":"{}"}]}"""))
                .isInstanceOf(BadRequestException.class)
                .hasMessageContaining("input[0].call_id")
                .extracting(e -> ((BadRequestException) e).param()).isEqualTo("input[0].call_id");
    }
}
