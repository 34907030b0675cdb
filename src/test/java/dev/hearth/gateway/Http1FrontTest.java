package dev.hearth.gateway;

import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real Helidon server on port 0 with {@link Http1Front} as its only connection selector, as
 * Hearth's own listener has it; clients on raw sockets, so a test decides what one connection carries.
 */
class Http1FrontTest {
    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch holding = new CountDownLatch(1);
    private Http1Front front;
    private WebServer server;

    private void start(int maxThreads) {
        front = new Http1Front(maxThreads);
        server = WebServer.builder().host("127.0.0.1").port(0)
                .protocolsDiscoverServices(false)
                .addConnectionSelector(front)
                .routing(r -> r
                        .get("/thread", (req, res) -> res.send(Thread.currentThread().getName() + " virtual="
                                + Thread.currentThread().isVirtual()))
                        .get("/hold", (req, res) -> {
                            holding.countDown();
                            res.send(release.await(30, TimeUnit.SECONDS) ? "released" : "timed out");
                        }))
                .build().start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        if (server != null) server.stop();
    }

    @Test
    void requestsOnOneKeptAliveConnection_areServedOnThatConnectionsOwnPlatformThread() throws Exception {
        start(8);
        try (Client c = new Client(server.port())) {
            String first = c.get("/thread");
            String second = c.get("/thread");

            assertThat(first).startsWith("hearth-conn-").endsWith("virtual=false");
            assertThat(second).isEqualTo(first);
        }
        try (Client other = new Client(server.port())) {
            assertThat(other.get("/thread")).startsWith("hearth-conn-").endsWith("virtual=false");
        }
    }

    @Test
    void pastItsCap_aConnectionIsServedOnAVirtualThread_asHelidonServesIt() throws Exception {
        start(1);
        try (Client busy = new Client(server.port()); Client next = new Client(server.port())) {
            busy.send("/hold");
            assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();

            assertThat(next.get("/thread")).endsWith("virtual=true");
            release.countDown();
            assertThat(busy.answer()).isEqualTo("released");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> front.platformThreads() == 0);
    }

    @Test
    void aClientThatConnectsAndLeavesWithoutAByte_freesItsThread() throws Exception {
        start(8);
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            await().atMost(Duration.ofSeconds(10)).until(() -> front.platformThreads() == 1);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> front.platformThreads() == 0);
        try (Client c = new Client(server.port())) {
            assertThat(c.get("/thread")).startsWith("hearth-conn-");
        }
    }

    @Test
    void idleKeptAliveConnections_doNotHoldUpTheServersStop_andTheirClientsSeeTheEnd() throws Exception {
        start(8);
        try (Client served = new Client(server.port()); Socket silent = new Socket("127.0.0.1", server.port())) {
            served.get("/thread");
            await().atMost(Duration.ofSeconds(10)).until(() -> front.platformThreads() == 2);

            long t0 = System.nanoTime();
            server.stop();
            server = null;

            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));
            assertThat(served.in.read()).isEqualTo(-1);
            assertThat(silent.getInputStream().read()).isEqualTo(-1);
            await().atMost(Duration.ofSeconds(10)).until(() -> front.platformThreads() == 0);
        }
    }

    /** One keep-alive connection speaking HTTP/1.1; answers have a Content-Length. */
    private static final class Client implements AutoCloseable {
        private final Socket socket;
        private final OutputStream out;
        final java.io.InputStream in;
        private final BufferedReader lines;

        Client(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(30_000);
            out = socket.getOutputStream();
            in = socket.getInputStream();
            lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.ISO_8859_1), 1);
        }

        void send(String path) throws IOException {
            out.write(("GET " + path + " HTTP/1.1\r\nHost: test\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        String answer() throws IOException {
            String status = lines.readLine();
            assertThat(status).startsWith("HTTP/1.1 200");
            int length = -1;
            for (String h; !(h = lines.readLine()).isEmpty(); ) {
                if (h.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                    length = Integer.parseInt(h.substring(15).trim());
                }
            }
            char[] body = new char[length];
            for (int n = 0; n < length; ) n += lines.read(body, n, length - n);
            return new String(body);
        }

        String get(String path) throws IOException {
            send(path);
            return answer();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
