package dev.hearth;

import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class HttpClientsTest {
    private static final Duration CONNECT = Duration.ofSeconds(3);

    @Test
    void engine_speaksHttp11_withTheConnectTimeout_onTheDefaultExecutor() {
        try (HttpClient c = HttpClients.engine(CONNECT)) {
            assertThat(c.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
            assertThat(c.connectTimeout()).contains(CONNECT);
            assertThat(c.followRedirects()).isEqualTo(HttpClient.Redirect.NEVER);
            assertThat(c.executor()).isEmpty();
        }
    }

    @Test
    void engineManyStreams_isEngine_withAnExecutorOfItsOwn() {
        try (HttpClient c = HttpClients.engineManyStreams(CONNECT)) {
            assertThat(c.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
            assertThat(c.connectTimeout()).contains(CONNECT);
            assertThat(c.followRedirects()).isEqualTo(HttpClient.Redirect.NEVER);
            assertThat(c.executor()).isPresent();
        }
    }

    @Test
    void userUrl_offersHttp2_andNeverFollowsARedirect() {
        try (HttpClient c = HttpClients.userUrl(CONNECT)) {
            assertThat(c.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(c.connectTimeout()).contains(CONNECT);
            assertThat(c.followRedirects()).isEqualTo(HttpClient.Redirect.NEVER);
        }
    }
}
