package dev.hearth.app;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import dev.hearth.TestModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The official OpenAI Java SDK, unchanged, chatting (streaming) and embedding against Hearth. */
class OpenAiSdkTest {
    @TempDir
    static Path dir;
    static TestHearth h;
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        h = new TestHearth(dir, "", TestModels.storiesAndEmbeddingsYaml());
        client = OpenAIOkHttpClient.builder().baseUrl(h.uri("/v1").toString()).apiKey("unused").maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        h.close();
    }

    @Test
    void sdk_streamsAChat() {
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
                .model("stories").addUserMessage("Once upon a time").maxCompletionTokens(24).seed(1).build();
        StringBuilder text = new StringBuilder();
        int chunks = 0;
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
            for (ChatCompletionChunk chunk : (Iterable<ChatCompletionChunk>) stream.stream()::iterator) {
                chunks++;
                chunk.choices().forEach(c -> c.delta().content().ifPresent(text::append));
            }
        }
        assertThat(chunks).isGreaterThan(3);
        assertThat(text.toString()).isNotBlank();
    }

    @Test
    void sdk_chatsWithoutStreaming() {
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("stories").addUserMessage("Tell me about a cat").maxCompletionTokens(8).build());

        assertThat(c.choices().getFirst().message().content()).isPresent();
        assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(8);
    }

    @Test
    void sdk_embeds() {
        CreateEmbeddingResponse r = client.embeddings().create(EmbeddingCreateParams.builder()
                .model("all-minilm-l6-v2")
                .inputOfArrayOfStrings(List.of("a cat sits on the mat", "a kitten is on the rug"))
                .build());

        assertThat(r.data()).hasSize(2);
        assertThat(r.data().getFirst().embedding()).hasSize(384);
        assertThat(r.usage().promptTokens()).isPositive();
    }

    @Test
    void sdk_seesNotFound_forAnUnknownModel() {
        assertThatThrownBy(() -> client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("nope").addUserMessage("hi").build()))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("The model 'nope' does not exist");
    }
}
