package dev.hearth.app;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponse;
import com.openai.errors.NotFoundException;
import com.openai.models.videos.Video;
import com.openai.models.videos.VideoCreateParams;
import com.openai.models.videos.VideoDownloadContentParams;
import com.openai.models.videos.VideoListParams;
import com.openai.models.videos.VideoModel;
import com.openai.models.videos.VideoSeconds;
import com.openai.models.videos.VideoSize;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The official OpenAI Java SDK's videos client, unchanged, against Hearth's testsrc model. */
class OpenAiVideosSdkTest {
    @TempDir
    static Path dir;
    static TestHearth h;
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        h = new TestHearth(dir, "", DialectSupport.TESTSRC);
        client = OpenAIOkHttpClient.builder().baseUrl(h.uri("/v1").toString()).apiKey("unused").maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        h.close();
    }

    @Test
    void sdk_createsPollsAndDownloadsAVideo() throws Exception {
        Video created = client.videos().create(VideoCreateParams.builder()
                .model(VideoModel.of("testsrc")).prompt("a paper boat on a pond")
                .seconds(VideoSeconds.of("1")).size(VideoSize.of("160x96")).build());
        assertThat(created.status()).isIn(Video.Status.QUEUED, Video.Status.IN_PROGRESS);
        assertThat(created.seconds().asString()).isEqualTo("1");

        Video done = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
                .until(() -> client.videos().retrieve(created.id()),
                        v -> v.status().equals(Video.Status.COMPLETED) || v.status().equals(Video.Status.FAILED));
        assertThat(done.status()).isEqualTo(Video.Status.COMPLETED);
        assertThat(done.progress()).isEqualTo(100);
        assertThat(done.completedAt()).isPresent();
        assertThat(done.model().asString()).isEqualTo("testsrc");

        try (HttpResponse content = client.videos().downloadContent(created.id())) {
            DialectSupport.assertMp4(content.body().readAllBytes(), dir, 160, 96);
        }
        try (HttpResponse thumb = client.videos().downloadContent(created.id(), VideoDownloadContentParams.builder()
                .variant(VideoDownloadContentParams.Variant.THUMBNAIL).build())) {
            byte[] jpeg = thumb.body().readAllBytes();
            assertThat(jpeg[0] & 0xff).isEqualTo(0xFF);
        }
        assertThat(client.videos().list(VideoListParams.builder().limit(10).build()).data())
                .extracting(Video::id).contains(created.id());
        assertThat(client.videos().delete(created.id()).deleted()).isTrue();
        assertThatThrownBy(() -> client.videos().retrieve(created.id())).isInstanceOf(NotFoundException.class);
    }
}
