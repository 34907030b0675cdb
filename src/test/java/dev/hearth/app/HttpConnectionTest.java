package dev.hearth.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * HTTP as clients really send it, over raw sockets: HTTP/1.0, {@code Connection: close}, a body the
 * route never reads, a broken chunked body. Each answer is in the error envelope, and a connection
 * that must end does end (the read sees the end of stream, not the timeout).
 */
class HttpConnectionTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String KEY = "sk-test-connection";
    /** Generous: only a server that never closes waits this long. */
    static final int EOF_WAIT_MS = 20_000;
    static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.[01] (\\d{3}) ");

    @TempDir
    static Path dir;
    static TestHearth h;

    @BeforeAll
    static void start() throws IOException {
        Path keys = Files.writeString(dir.resolve("keys"), KEY + "\n");
        h = new TestHearth(dir, "api_keys_file: " + keys, """
                chat:
                  task: chat
                  engine: remote
                  url: http://127.0.0.1:9
                """);
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    /** What the server sent until it closed the connection; fails if it is still open after EOF_WAIT_MS. */
    static String untilClosed(String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", h.hearth.port())) {
            s.setSoTimeout(EOF_WAIT_MS);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    got.write(buf, 0, n);
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the server kept the connection open; it sent:\n" + got, e);
            }
            return got.toString(StandardCharsets.ISO_8859_1);
        }
    }

    static java.util.List<Integer> statuses(String raw) {
        java.util.List<Integer> codes = new java.util.ArrayList<>();
        Matcher m = STATUS_LINE.matcher(raw);
        while (m.find()) {
            codes.add(Integer.parseInt(m.group(1)));
        }
        return codes;
    }

    static JsonNode lastBody(String raw) throws IOException {
        return JSON.readTree(raw.substring(raw.lastIndexOf("\r\n\r\n") + 4));
    }

    @Test
    void aKeptAliveConnection_isServedOnAPlatformThreadOfItsOwn_whileItIsOpen() throws Exception {
        try (Socket s = new Socket("127.0.0.1", h.hearth.port())) {
            s.setSoTimeout(EOF_WAIT_MS);
            s.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            assertThat(s.getInputStream().read()).isEqualTo('H'); // the answer has begun: its connection is being served

            // Helidon's own HTTP/1 connection, run on a platform thread named for Hearth's front (Http1Front)
            assertThat(Thread.getAllStackTraces().entrySet()).anySatisfy(t -> {
                assertThat(t.getKey().getName()).startsWith("hearth-conn-");
                assertThat(t.getKey().isVirtual()).isFalse();
                assertThat(t.getValue()).anySatisfy(frame ->
                        assertThat(frame.getClassName()).isEqualTo("io.helidon.webserver.http1.Http1Connection"));
            });
        }
    }

    @Test
    void Http10_isServed_andTheConnectionClosed_whenAHealthCheckerSendsIt() throws Exception {
        String raw = untilClosed("GET /health HTTP/1.0\r\n\r\n");

        assertThat(statuses(raw)).containsExactly(200);
        assertThat(lastBody(raw).path("status").asText()).isEqualTo("ok");
    }

    @Test
    void Http10_servesAnAuthenticatedPost_likeApacheBench() throws Exception {
        String body = "{\"model\":\"chat\"}";
        String raw = untilClosed("POST /v1/chat/completions HTTP/1.0\r\nHost: localhost\r\nAuthorization: Bearer " + KEY
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);

        assertThat(statuses(raw)).containsExactly(400);
        assertThat(lastBody(raw).at("/error/param").asText()).isEqualTo("messages");
    }

    @Test
    void Http10_answers505InTheEnvelope_notA500_whenItFollowsHttp11OnOneConnection() throws Exception {
        String raw = untilClosed("GET /health HTTP/1.1\r\nHost: x\r\n\r\nGET /health HTTP/1.0\r\n\r\n");

        assertThat(statuses(raw)).containsExactly(200, 505);
        JsonNode error = lastBody(raw).get("error");
        assertThat(error.get("code").asText()).isEqualTo("http_version_not_supported");
        assertThat(error.get("message").asText()).contains("HTTP/1.1");
    }

    @Test
    void RequestLine_answers400InTheEnvelope_whenItIsNeitherHttp10Nor11() throws Exception {
        String raw = untilClosed("GET /health HTTP/2.7\r\nHost: x\r\n\r\n");

        assertThat(statuses(raw)).containsExactly(400);
        assertThat(lastBody(raw).at("/error/type").asText()).isEqualTo("invalid_request_error");
    }

    @Test
    void ChunkedBody_answers400InTheEnvelope_notA500_andCloses_whenAChunkSizeIsNotHex() throws Exception {
        String raw = untilClosed("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + KEY
                + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{\"a\":1}\r\n0\r\n\r\n");

        assertThat(statuses(raw)).containsExactly(400);
        assertThat(lastBody(raw).at("/error/message").asText()).contains("chunk");
    }

    @Test
    void ChunkedBody_closesTheConnection_onEveryJsonRoute_notOnlyChat_whenAChunkSizeIsNotHex() throws Exception {
        // "abc" after the bad size once stayed in the connection, read as the start of the next request
        for (String route : java.util.List.of("/v1/jobs", "/v1/chat/completions", "/v1/tasks/", "/v1/videos")) {
            String raw = untilClosed("POST " + route + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + KEY
                    + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n");

            assertThat(statuses(raw)).as(route).containsExactly(400);
            assertThat(raw).as(route).containsIgnoringCase("Connection: close");
        }
    }

    @Test
    void ConnectionClose_closesTheSocket_afterTheAnswer_whenTheClientAsksForIt() throws Exception {
        String raw = untilClosed("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

        assertThat(statuses(raw)).containsExactly(200);
    }

    @Test
    void ConnectionClose_neverServesTheBodyAsARequest_whenTheRouteAnswers404BeforeReadingIt() throws Exception {
        String smuggled = "GET /v1/jobs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + KEY + "\r\n\r\n";
        String raw = untilClosed("POST /nope HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + KEY
                + "\r\nConnection: close\r\nContent-Length: " + smuggled.length() + "\r\n\r\n" + smuggled);

        assertThat(statuses(raw)).containsExactly(404);
        assertThat(raw).doesNotContain("\"object\":\"list\"");
    }

    @Test
    void ConnectionClose_neverServesTheBodyAsARequest_whenTheKeyCheckAnswers401First() throws Exception {
        String smuggled = "GET /v1/jobs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + KEY + "\r\n\r\n";
        String raw = untilClosed("POST /v1/jobs HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: "
                + smuggled.length() + "\r\n\r\n" + smuggled);

        assertThat(statuses(raw)).containsExactly(401);
        assertThat(raw).doesNotContain("\"object\":\"list\"");
    }

    @Test
    void KeepAlive_discardsAnUnreadBody_insteadOfServingItAsTheNextRequest() throws Exception {
        String smuggled = "GET /v1/jobs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + KEY + "\r\n\r\n";
        String raw = untilClosed("POST /nope HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + KEY
                + "\r\nContent-Length: " + smuggled.length() + "\r\n\r\n" + smuggled
                + "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

        assertThat(statuses(raw)).containsExactly(404, 200);
        assertThat(raw).doesNotContain("\"object\":\"list\"");
    }
}
