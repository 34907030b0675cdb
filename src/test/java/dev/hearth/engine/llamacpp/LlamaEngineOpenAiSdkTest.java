package dev.hearth.engine.llamacpp;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The official OpenAI Java SDK, unchanged, against a real child engine. */
class LlamaEngineOpenAiSdkTest {
    static EngineProcess engine;
    static OpenAIClient client;

    @BeforeAll
    static void start() throws Exception {
        engine = EngineProcess.start("stories", Map.of("ctx_size", 1024)).awaitReady();
        client = OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + engine.port + "/v1").apiKey("unused").build();
    }

    @AfterAll
    static void stop() {
        client.close();
        engine.close();
    }

    @SuppressWarnings("deprecation") // OpenAI deprecated seed; the engine honours it, and the stream test needs it
    static ChatCompletionCreateParams chat(long maxTokens) {
        return ChatCompletionCreateParams.builder().model("stories")
                .addSystemMessage("You tell stories.").addUserMessage("Tell me about a dog.")
                .maxCompletionTokens(maxTokens).seed(5L).build();
    }

    @Test
    void sdk_chatCompletion_parses() {
        ChatCompletion c = client.chat().completions().create(chat(8));
        assertThat(c.id()).startsWith("chatcmpl-");
        assertThat(c.model()).isEqualTo("stories");
        assertThat(c.choices().getFirst().message().content()).hasValueSatisfying(t -> assertThat(t).isNotEmpty());
        assertThat(c.choices().getFirst().finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.LENGTH);
        assertThat(c.usage()).hasValueSatisfying(u -> assertThat(u.completionTokens()).isEqualTo(8));
    }

    @Test
    void sdk_chatStream_yieldsChunksThatJoinToTheAnswer() {
        String whole = client.chat().completions().create(chat(12)).choices().getFirst().message().content().orElseThrow();
        List<ChatCompletionChunk> chunks;
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(chat(12))) {
            chunks = stream.stream().toList();
        }
        StringBuilder joined = new StringBuilder();
        chunks.forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(joined::append)));
        assertThat(chunks).hasSizeGreaterThan(2);
        assertThat(joined).hasToString(whole);
        assertThat(chunks.getLast().choices().getFirst().finishReason())
                .hasValue(ChatCompletionChunk.Choice.FinishReason.LENGTH);
    }

    @Test
    void sdk_completion_parses() {
        Completion c = client.completions().create(CompletionCreateParams.builder()
                .model(CompletionCreateParams.Model.of("stories")).prompt("Once upon a time").maxTokens(6L).build());
        assertThat(c.choices().getFirst().text()).isNotEmpty();
        assertThat(c.usage()).hasValueSatisfying(u -> assertThat(u.promptTokens()).isEqualTo(4));
    }
}
