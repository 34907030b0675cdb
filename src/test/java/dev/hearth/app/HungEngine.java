package dev.hearth.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real OpenAI-ish engine on a loopback socket that answers {@code /health} but misbehaves on
 * chat POSTs, the way a wedged vLLM does: {@link Mode#HANG} never answers, {@link Mode#STALL}
 * sends the stream's headers and first chunk and then nothing, {@link Mode#HEAD} sends the stream's
 * headers only, at once as vLLM and llama-server do, and then nothing, {@link Mode#HOLD} sends them and
 * holds its first event until {@link #release} is counted down, {@link Mode#LINGER} streams a whole
 * answer to its {@code [DONE]} and then keeps the connection open without ending it, {@link Mode#ANSWER}
 * answers.
 * Raw sockets, so it can count the calls whose connection Hearth closed.
 */
final class HungEngine implements AutoCloseable {
    enum Mode { HANG, STALL, HEAD, HOLD, LINGER, ANSWER }

    private static final String STREAM_HEAD = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
            + "Connection: close\r\n\r\n";

    private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    volatile Mode mode;
    /** Chat POSTs received. */
    final AtomicInteger calls = new AtomicInteger();
    /** Chat POSTs left unanswered whose connection the caller (Hearth) closed. */
    final AtomicInteger closedByCaller = new AtomicInteger();
    /** What {@link Mode#HOLD} waits for before its first event. */
    final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);

    HungEngine(Mode mode) throws IOException {
        this.mode = mode;
        Thread.ofVirtual().start(this::acceptLoop);
    }

    String url() { return "http://127.0.0.1:" + server.getLocalPort(); }

    @Override
    public void close() throws IOException { server.close(); }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread.ofVirtual().start(() -> serve(s));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            String head = readHead(in);
            if (head.startsWith("GET ")) {
                respond(out, "200 OK", "application/json", "{\"status\":\"ok\"}");
                return;
            }
            in.readNBytes(contentLength(head));
            calls.incrementAndGet();
            switch (mode) {
                case ANSWER -> respond(out, "200 OK", "application/json", """
                        {"id":"x","object":"chat.completion","choices":[{"index":0,"finish_reason":"stop",\
                        "message":{"role":"assistant","content":"fine"}}]}""");
                case STALL -> {
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n"
                            + "data: {\"choices\":[{\"delta\":{\"content\":\"Once\"}}]}\n\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    waitForClose(in);
                }
                case HEAD -> {
                    out.write(STREAM_HEAD.getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    waitForClose(in);
                }
                case HOLD -> {
                    out.write(STREAM_HEAD.getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    if (!release.await(60, java.util.concurrent.TimeUnit.SECONDS)) return;
                    out.write(("data: {\"choices\":[{\"delta\":{\"content\":\"Once\"}}]}\n\n" + "data: [DONE]\n\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
                case LINGER -> {
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n"
                            + "data: {\"choices\":[{\"delta\":{\"content\":\"Once\"}}]}\n\n"
                            + "data: [DONE]\n\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    waitForClose(in);
                }
                case HANG -> waitForClose(in);
            }
        } catch (IOException gone) {
            // the test is over, or the caller reset the connection
        } catch (InterruptedException stopped) {
            Thread.currentThread().interrupt();
        }
    }

    /** Blocks until the caller closes the connection: then it is counted. */
    private void waitForClose(InputStream in) {
        try {
            while (in.read() >= 0) {
                // a caller sends nothing more on this connection
            }
        } catch (IOException reset) {
            // a reset is a close too
        }
        closedByCaller.incrementAndGet();
    }

    private static void respond(OutputStream out, String status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        out.write(("HTTP/1.1 " + status + "\r\nContent-Type: " + type + "\r\nContent-Length: " + bytes.length
                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.flush();
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed before the request head ended");
            }
            head.append((char) b);
        }
        return head.toString();
    }

    private static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                return Integer.parseInt(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        return 0;
    }
}
