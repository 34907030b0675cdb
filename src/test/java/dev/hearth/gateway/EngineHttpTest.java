package dev.hearth.gateway;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The proxy's plain HTTP/1.1 client against a real socket server written here, which answers each
 * request with what the test scripts: chunked streams split anywhere, lengths, bodies ended by the
 * connection closing, engines that close kept-alive connections, and aborts mid-stream.
 */
class EngineHttpTest {
    /** What the server does with one request: writes to the client's socket, may close it. */
    interface Answer {
        void write(Socket socket, OutputStream out) throws Exception;
    }

    private final BlockingQueue<Answer> answers = new LinkedBlockingQueue<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    /** Which connection (1 for the first accepted) each request came on. */
    private final List<Integer> requestConnections = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final CountDownLatch clientClosed = new CountDownLatch(1);
    private final ServerSocket server = serve();
    private final AtomicLong now = new AtomicLong();
    private final AtomicInteger closedByClient = new AtomicInteger();
    /** Connections whose server side is done: ended by the engine's script or by the client. */
    private final AtomicInteger finished = new AtomicInteger();
    private final EngineHttp http = new EngineHttp(now::get);
    private final URI uri = URI.create("http://127.0.0.1:" + server.getLocalPort() + "/v1/chat/completions");

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    @Test
    void chunkedStream_splitAcrossWritesAnywhere_readsAsTheEnginesBytes_andTheConnectionIsReused() throws Exception {
        String events = "data: {\"a\":1}\n\ndata: {\"b\":2}\n\ndata: [DONE]\n\n";
        String wire = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "f;ext=1\r\ndata: {\"a\":1}\n\n\r\n" + "f\r\ndata: {\"b\":2}\n\n\r\n" + "e\r\ndata: [DONE]\n\n\r\n"
                + "0\r\nX-Trailer: yes\r\n\r\n";
        answers.add((s, out) -> { // a byte a write: every split a socket read can see
            for (byte b : wire.getBytes(StandardCharsets.US_ASCII)) {
                out.write(b);
                out.flush();
            }
        });
        answers.add(ok("again"));

        EngineBody first = send("{\"stream\":true}");
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.contentType()).isEqualTo("text/event-stream");
        assertThat(readAll(first)).isEqualTo(events);

        assertThat(readAll(send("{}"))).isEqualTo("again");
        assertThat(connections).hasValue(1);
        assertThat(requests.getFirst()).startsWith("POST /v1/chat/completions HTTP/1.1\r\n")
                .contains("Content-Length: 15\r\n", "Accept: text/event-stream\r\n", "X-Extra: 1\r\n")
                .endsWith("\r\n\r\n{\"stream\":true}");
    }

    @Test
    void aRead_givesWhatHasArrived_withoutWaitingForTheNextChunk() throws Exception {
        CountDownLatch next = new CountDownLatch(1);
        answers.add((s, out) -> {
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "6\r\nfirst\n\r\n" + "7\r\nsecond\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            next.await(10, TimeUnit.SECONDS);
            out.write("5\r\nlast\n\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        });
        EngineBody body = send("{}");
        byte[] buf = new byte[1024];
        StringBuilder got = new StringBuilder();
        while (got.length() < "first\nsecond\n".length()) { // both chunks arrived together: no wait for "last"
            got.append(new String(buf, 0, body.read(buf, 0, buf.length), StandardCharsets.US_ASCII));
        }
        assertThat(got).hasToString("first\nsecond\n");
        next.countDown();
        assertThat(readAll(body)).isEqualTo("last\n");
    }

    @Test
    void contentLength_andABodyEndedByTheConnectionClosing_areReadWhole_andOnlyTheFirstKeepsTheConnection()
            throws Exception {
        answers.add(ok("{\"usage\":{}}"));
        answers.add((s, out) -> {
            out.write("HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n{\"old\":true}".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            s.close();
        });
        answers.add(ok("fresh"));

        assertThat(readAll(send("{}"))).isEqualTo("{\"usage\":{}}");
        assertThat(readAll(send("{}"))).isEqualTo("{\"old\":true}");
        assertThat(readAll(send("{}"))).isEqualTo("fresh");
        assertThat(connections).hasValue(2);
    }

    @Test
    void connectionClose_isNotReused() throws Exception {
        answers.add((s, out) -> out.write(("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok")
                .getBytes(StandardCharsets.US_ASCII)));
        answers.add(ok("next"));
        assertThat(readAll(send("{}"))).isEqualTo("ok");
        assertThat(readAll(send("{}"))).isEqualTo("next");
        assertThat(connections).hasValue(2);
    }

    @Test
    void aKeptConnectionTheEngineClosesAsTheRequestArrives_hasTheRequestSentOnceMore_onAFreshOne() throws Exception {
        answers.add(ok("one"));
        answers.add((s, out) -> s.close()); // reads the request and closes without a byte
        answers.add(ok("two"));

        assertThat(readAll(send("{}"))).isEqualTo("one");
        assertThat(readAll(send("{}"))).isEqualTo("two"); // closed unanswered: sent again on a fresh one
        assertThat(requests).hasSize(3);
        assertThat(requestConnections).as("kept, then a fresh one").containsExactly(1, 1, 2);
    }

    /**
     * llama-server ends its side of the connection after every streamed answer, whatever its Keep-Alive
     * says. The next request must not be written to that connection: an engine that still reads it
     * would get the request twice (there, and again on the fresh connection the retry opens).
     */
    @Test
    void anEngineThatEndsItsSideAfterAnAnswer_getsTheNextRequestOnce_onAFreshConnection() throws Exception {
        List<InetSocketAddress[]> ended = new CopyOnWriteArrayList<>();
        answers.add((s, out) -> {
            out.write(okBytes("one"));
            out.flush();
            s.shutdownOutput(); // its FIN; it still reads what comes
            ended.add(new InetSocketAddress[] {(InetSocketAddress) s.getLocalSocketAddress(),
                    (InetSocketAddress) s.getRemoteSocketAddress()});
        });
        answers.add(ok("two"));
        SockDiag diag = SockDiag.open().orElseThrow(() -> new AssertionError("Linux's NETLINK_SOCK_DIAG did not open"));

        assertThat(readAll(send("{}"))).isEqualTo("one");
        awaitFin(diag, ended, 1); // Hearth's kernel has taken the FIN: the connection idles closed
        assertThat(readAll(send("{}"))).isEqualTo("two");
        assertThat(requests).as("each request reached the engine once").hasSize(2);
        assertThat(requestConnections).as("the second on a fresh connection").containsExactly(1, 2);
    }

    private static final int FIN_WAIT2 = 5;

    /**
     * To an engine that ends every connection after answering (llama-server after every stream), each
     * request connects on its way, as nginx does, and between requests Hearth holds no connection to it.
     * A connection opened ahead for the next request, while the engine generated, cost 1.5 % of the
     * requests served at one client (BENCHMARKS.md, 2026-12-04 evening): with one, the engine would
     * always hold a connection open here, and the awaits below would time out.
     */
    @Test
    void anEngineThatEndsEveryConnection_getsEachRequestOnAConnectionOfItsOwn_andNoneWaitsBetweenThem()
            throws Exception {
        List<InetSocketAddress[]> ended = new CopyOnWriteArrayList<>();
        for (String body : List.of("one", "two", "three", "four")) {
            answers.add((s, out) -> {
                out.write(okBytes(body));
                out.flush();
                s.shutdownOutput(); // as llama-server does after a stream; the test server's loop then ends
                ended.add(new InetSocketAddress[] {(InetSocketAddress) s.getLocalSocketAddress(),
                        (InetSocketAddress) s.getRemoteSocketAddress()});
            });
        }
        SockDiag diag = SockDiag.open().orElseThrow(() -> new AssertionError("Linux's NETLINK_SOCK_DIAG did not open"));

        assertThat(readAll(send("{}"))).isEqualTo("one");
        assertThat(connections).as("nothing learned yet: this engine might keep its connections").hasValue(1);
        awaitFin(diag, ended, 1);
        assertThat(readAll(send("{}"))).isEqualTo("two"); // the ended one is found closed: learned
        for (String body : List.of("three", "four")) {
            await().atMost(Duration.ofSeconds(10)).until(() -> finished.get() == connections.get());
            assertThat(readAll(send("{}"))).isEqualTo(body);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> finished.get() == connections.get());

        assertThat(requestConnections).as("each request on a connection of its own").containsExactly(1, 2, 3, 4);
        assertThat(connections).hasValue(4);
        assertThat(requests).as("each request reached the engine once").hasSize(4);
    }

    /**
     * llama-server ends its side after a stream, but its FIN may come after the stream's last chunk by
     * more than a client takes to send its next request. Once an engine is known to end its
     * connections, a connection whose answer was read is closed at once, never lent to the next
     * request before the FIN shows: that request would reach an engine that is closing the connection,
     * and go once more on a fresh one.
     */
    @Test
    void anEngineKnownToEndItsConnections_neverGetsARequestOnOneItIsStillEnding() throws Exception {
        List<InetSocketAddress[]> ended = new CopyOnWriteArrayList<>();
        AtomicInteger late = new AtomicInteger();
        AtomicInteger decided = new AtomicInteger();
        answers.add((s, out) -> {
            out.write(okBytes("one"));
            out.flush();
            s.shutdownOutput();
            ended.add(new InetSocketAddress[] {(InetSocketAddress) s.getLocalSocketAddress(),
                    (InetSocketAddress) s.getRemoteSocketAddress()});
        });
        for (String body : List.of("two", "three")) {
            answers.add((s, out) -> { // answers; ends the connection only once Hearth sends more or closes it
                out.write(okBytes(body));
                out.flush();
                if (s.getInputStream().read() >= 0) late.incrementAndGet();
                decided.incrementAndGet();
                s.close();
            });
        }
        SockDiag diag = SockDiag.open().orElseThrow(() -> new AssertionError("Linux's NETLINK_SOCK_DIAG did not open"));

        assertThat(readAll(send("{}"))).isEqualTo("one");
        awaitFin(diag, ended, 1);
        assertThat(readAll(send("{}"))).isEqualTo("two"); // the ended one is found closed: learned
        assertThat(readAll(send("{}"))).isEqualTo("three");
        await().atMost(Duration.ofSeconds(10)).until(() -> decided.get() >= 1); // the second's connection: closed, or sent to
        assertThat(late).as("requests written to a connection the engine was ending").hasValue(0);
        await().atMost(Duration.ofSeconds(10)).until(() -> decided.get() == 2); // the third's closed too, not pooled
        assertThat(requests).as("each request reached the engine once").hasSize(3);
        assertThat(requestConnections).containsExactly(1, 2, 3);
    }

    @Test
    void anEngineThatKeepsItsConnections_getsEveryRequestOnTheOneConnection() throws Exception {
        answers.add(ok("one"));
        answers.add(ok("two"));
        answers.add(ok("three"));

        assertThat(readAll(send("{}"))).isEqualTo("one");
        assertThat(readAll(send("{}"))).isEqualTo("two"); // the kept connection was alive: the engine keeps them
        assertThat(readAll(send("{}"))).isEqualTo("three");

        assertThat(requestConnections).containsExactly(1, 1, 1);
        assertThat(connections).hasValue(1);
    }

    /**
     * Waits until Hearth's kernel has the FIN of the {@code n}th connection the engine ended (its two
     * addresses, the engine's first, noted as it ended it): the engine's side is FIN_WAIT2, or TIME_WAIT
     * or gone (only the listener is found) once Hearth has closed its side too — or Hearth closed first (a connection whose answer was
     * read, to an engine known to end them): CLOSE_WAIT, LAST_ACK or CLOSING on the engine's side.
     */
    private static void awaitFin(SockDiag diag, List<InetSocketAddress[]> ended, int n) {
        AtomicInteger seen = new AtomicInteger(-1);
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> ended.size() >= n && java.util.Set.of(FIN_WAIT2, TIME_WAIT,
                    CLOSE_WAIT, LAST_ACK, CLOSING, LISTEN_ONLY, SockDiag.NONE).contains(
                            seen.updateAndGet(x -> diag.state(ended.get(n - 1)[0], ended.get(n - 1)[1]))));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("connection " + n + " of the engine's did not end: TCP state " + seen.get(), e);
        }
    }

    private static final int CLOSE_WAIT = 8;
    private static final int LAST_ACK = 9;
    private static final int CLOSING = 11;
    /** Gone: the lookup finds only the engine's listening socket. */
    private static final int LISTEN_ONLY = 10;

    private static final int TIME_WAIT = 6;

    @Test
    void idleConnections_areClosedOnceIdleTooLong_evenToAnEngineNoLongerAsked() throws Exception {
        answers.add(ok("a"));
        answers.add(ok("b"));
        answers.add(ok("c"));
        assertThat(readAll(send("{}"))).isEqualTo("a"); // idles in the pool of 127.0.0.1:port
        now.addAndGet(EngineHttp.IDLE.toNanos() / 2);
        URI other = URI.create("http://localhost:" + server.getLocalPort() + "/v1/chat/completions"); // another pool
        assertThat(readAll(http.send(other, new byte[0], "application/json", "*/*", Map.of(), Duration.ofSeconds(5),
                new Abort()))).isEqualTo("b");
        assertThat(closedByClient).hasValue(0);

        now.addAndGet(EngineHttp.IDLE.toNanos() + 1); // both idle too long; a request to either sweeps both
        assertThat(readAll(http.send(other, new byte[0], "application/json", "*/*", Map.of(), Duration.ofSeconds(5),
                new Abort()))).isEqualTo("c");
        await().atMost(Duration.ofSeconds(10)).until(() -> closedByClient.get() == 2);
        assertThat(connections).hasValue(3);
    }

    @Test
    void anEngineAboutToStop_hasItsIdleConnectionsClosed_andTheNextRequestConnectsAfresh() throws Exception {
        answers.add(ok("a"));
        answers.add(ok("b"));
        assertThat(readAll(send("{}"))).isEqualTo("a"); // kept, idle

        http.closeIdle(URI.create("http://127.0.0.1:" + server.getLocalPort()));

        await().atMost(Duration.ofSeconds(10)).until(() -> closedByClient.get() == 1);
        assertThat(readAll(send("{}"))).isEqualTo("b");
        assertThat(requestConnections).containsExactly(1, 2);
    }

    @Test
    void aFreshConnectionClosedBeforeAnswering_isAnError_notARetry() {
        answers.add((s, out) -> s.close());
        answers.add(ok("never"));
        assertThatThrownBy(() -> send("{}")).isInstanceOf(IOException.class);
        assertThat(requests).hasSize(1);
    }

    /** Whole in one write, as an engine's chunks mostly come: the chunk lines are read where they lie. */
    @Test
    void chunkedStream_inOneWrite_readsAsTheEnginesBytes() throws Exception {
        String wire = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "F;ext=1\r\ndata: {\"a\":1}\n\n\r\n" + "10\ndata: {\"bc\":2}\n\n\n" + "00e\r\ndata: [DONE]\n\n\r\n"
                + "0\r\nX-Trailer: yes\r\n\r\n";
        answers.add((s, out) -> out.write(wire.getBytes(StandardCharsets.US_ASCII)));
        answers.add(ok("again"));

        assertThat(readAll(send("{\"stream\":true}"))).isEqualTo("data: {\"a\":1}\n\ndata: {\"bc\":2}\n\ndata: [DONE]\n\n");
        assertThat(readAll(send("{}"))).isEqualTo("again");
        assertThat(connections).as("read to its end: kept").hasValue(1);
    }

    @Test
    void aBadChunkSize_orAChunkNotEndedByItsLineBreak_isAProtocolError() {
        String head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n";
        answers.add((s, out) -> out.write((head + "zz\r\ndata\r\n").getBytes(StandardCharsets.US_ASCII)));
        assertThatThrownBy(() -> readAll(send("{}"))).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("bad chunk size: zz");
        answers.add((s, out) -> out.write((head + "2\r\nabc\r\n").getBytes(StandardCharsets.US_ASCII)));
        assertThatThrownBy(() -> readAll(send("{}"))).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("chunk not followed by CRLF");
    }

    @Test
    void notHttp_isAProtocolError() {
        answers.add((s, out) -> out.write("SSH-2.0-OpenSSH\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertThatThrownBy(() -> send("{}")).isInstanceOf(ProtocolException.class).hasMessageContaining("SSH-2.0");
    }

    @Test
    void abortMidStream_closesTheEnginesConnection_andWakesTheBlockedRead() throws Exception {
        answers.add((s, out) -> {
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "6\r\nfirst\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            if (s.getInputStream().read() < 0) { // the engine hears the client leave
                clientClosed.countDown();
            }
        });
        Abort abort = new Abort();
        EngineBody body = http.send(uri, "{}".getBytes(StandardCharsets.UTF_8), "application/json", "text/event-stream",
                Map.of(), Duration.ofSeconds(5), abort);
        byte[] buf = new byte[64];
        assertThat(new String(buf, 0, body.read(buf, 0, buf.length), StandardCharsets.US_ASCII)).isEqualTo("first\n");
        Thread.ofVirtual().start(() -> {
            await().atMost(Duration.ofSeconds(10)).until(() -> requests.size() == 1);
            abort.abort(Abort.Reason.CLIENT_GONE, Abort.clientClosed());
        });
        assertThatThrownBy(() -> body.read(buf, 0, buf.length)).isInstanceOf(IOException.class);
        assertThat(clientClosed.await(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aHeaderValueWithALineBreak_isRefused_notSent() {
        assertThatThrownBy(() -> http.send(uri, new byte[0], "application/json", "*/*",
                Map.of("Authorization", "Bearer x\r\nHost: evil"), Duration.ofSeconds(5), new Abort()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(requests).isEmpty();
    }

    private EngineBody send(String body) throws IOException {
        return http.send(uri, body.getBytes(StandardCharsets.UTF_8), "application/json", "text/event-stream",
                Map.of("X-Extra", "1"), Duration.ofSeconds(5), new Abort());
    }

    private static String readAll(InputStream in) throws IOException {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static Answer ok(String body) {
        return (s, out) -> out.write(okBytes(body));
    }

    private static byte[] okBytes(String body) {
        return ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                .getBytes(StandardCharsets.US_ASCII);
    }

    private ServerSocket serve() {
        try {
            ServerSocket s = new ServerSocket(0);
            Thread.ofVirtual().start(() -> {
                while (!s.isClosed()) {
                    try {
                        Socket c = s.accept();
                        int n = connections.incrementAndGet();
                        Thread.ofVirtual().start(() -> connection(c, n));
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
            return s;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Requests one after another on one connection, each answered by the next scripted answer. */
    private void connection(Socket c, int n) {
        try (c; InputStream in = c.getInputStream(); OutputStream out = c.getOutputStream()) {
            while (!c.isClosed()) {
                String request = request(in);
                if (request == null) {
                    closedByClient.incrementAndGet();
                    return;
                }
                requestConnections.add(n);
                requests.add(request);
                Answer answer = answers.poll(10, TimeUnit.SECONDS);
                if (answer == null) return;
                answer.write(c, out);
                if (!c.isClosed()) out.flush();
            }
        } catch (Exception closed) {
            // the client went away
        } finally {
            finished.incrementAndGet();
        }
    }

    private static String request(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        for (int b; !head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n"); ) {
            if ((b = in.read()) < 0) return null;
            head.write(b);
        }
        String h = head.toString(StandardCharsets.ISO_8859_1);
        int length = 0;
        for (String line : h.split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        return h + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
}
