package dev.hearth.app;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Reads an HTTP/1.1 answer off a raw socket as a strict client would: the head, then its chunks. */
final class RawHttp {
    private RawHttp() {}

    /** Writes a chat completion request with {@code body} on {@code socket}, leaving it open for the answer. */
    static void postChat(java.net.Socket socket, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        java.io.OutputStream out = socket.getOutputStream();
        out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.flush();
    }

    /** The status line and headers, up to and including the blank line. */
    static String head(DataInputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("the connection ended inside a head: " + head);
            }
            head.append((char) b);
        }
        return head.toString();
    }

    /** A chunked body, up to its terminator ({@code 0\r\n\r\n}), every chunk's framing checked. */
    static String chunks(DataInputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String size = line(in);
            int n = Integer.parseInt(size, 16);
            if (n == 0) {
                if (!line(in).isEmpty()) {
                    throw new IOException("trailers after the last chunk");
                }
                return body.toString(StandardCharsets.UTF_8);
            }
            byte[] chunk = new byte[n];
            in.readFully(chunk);
            body.write(chunk);
            if (!line(in).isEmpty()) {
                throw new IOException("a chunk longer than its size " + size);
            }
        }
    }

    private static String line(DataInputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) {
                throw new EOFException("the connection ended inside a chunked body");
            }
            line.append((char) b);
        }
        if (line.isEmpty() || line.charAt(line.length() - 1) != '\r') {
            throw new IOException("a line not ended by CRLF: " + line);
        }
        return line.substring(0, line.length() - 1);
    }
}
