package dev.hearth.cli;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bench's load client against a small SSE server (the JDK's own) that notes which client
 * connection each request came on.
 */
class StreamLoadTest {
    private HttpServer server;
    private final ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
    private final List<Integer> ports = new CopyOnWriteArrayList<>();
    /**
     * Requests held until this many have arrived (each then on a connection of its own, none being free),
     * so that a round's connections do not depend on how fast its clients start; later ones pass at once.
     */
    private volatile CountDownLatch gather = new CountDownLatch(0);
    private URI chat;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/chat/completions", exchange -> {
            ports.add(exchange.getRemoteAddress().getPort());
            exchange.getRequestBody().readAllBytes();
            CountDownLatch all = gather;
            all.countDown();
            try {
                if (!all.await(30, TimeUnit.SECONDS)) throw new IOException("the clients never all came");
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                for (String token : List.of("Once", " upon", " a time")) {
                    out.write(("data: {\"choices\":[{\"delta\":{\"content\":\"" + token + "\"}}]}\n\n")
                            .getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
                out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
            }
        });
        server.setExecutor(handlers);
        server.start();
        chat = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1/chat/completions");
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
        handlers.close();
    }

    @Test
    void run_countsEveryContentChunkAsAToken() throws Exception {
        StreamLoad.Result r = new StreamLoad().run(chat, "m", 2, 3, 3);

        assertThat(r.requests()).isEqualTo(6);
        assertThat(r.failures()).isZero();
        assertThat(r.tokens()).isEqualTo(18);
    }

    /**
     * A level of fewer clients after a busier one: one client's requests all go over one connection
     * (the most recently used), not in turn over every connection the busier level left idle, as the
     * JDK's asynchronous client handed them out (the one idle longest first) on only the path that had
     * them.
     */
    @Test
    void run_oneClientAfterABusierLevel_keepsToOneConnection() throws Exception {
        StreamLoad load = new StreamLoad();
        gather = new CountDownLatch(4);
        load.run(chat, "m", 4, 2, 3);
        assertThat(Set.copyOf(ports)).hasSize(4);
        gather = new CountDownLatch(0);
        ports.clear();

        load.run(chat, "m", 1, 3, 3);

        assertThat(ports).hasSize(3);
        assertThat(Set.copyOf(ports)).hasSize(1);
    }

    /**
     * More clients than the JDK keeps idle connections by default (5): a round's connections are all
     * kept for the next round (the bench's paths take turns a round at a time), so the next round
     * opens none. The JDK reads its limit once per JVM; surefire sets it for this one, as
     * {@code StreamLoad} does in {@code hearth bench}'s.
     */
    @Test
    void run_manyClients_nextRoundReusesEveryConnection() throws Exception {
        int clients = 12;
        StreamLoad load = new StreamLoad();
        gather = new CountDownLatch(clients);
        load.run(chat, "m", clients, 2, 3);
        Set<Integer> first = Set.copyOf(ports);
        assertThat(first).hasSize(clients);
        ports.clear();
        gather = new CountDownLatch(0);

        load.run(chat, "m", clients, 2, 3);

        assertThat(ports).hasSize(clients * 2);
        assertThat(first).containsAll(ports);
    }
}
