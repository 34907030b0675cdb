package dev.hearth.gateway;

import dev.hearth.HearthException;
import dev.hearth.Json;
import dev.hearth.gateway.Proxy.Outcome;
import dev.hearth.gateway.Proxy.Reshape;
import dev.hearth.gateway.Proxy.Upstream;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A streamed answer, from the engine's first chunk to the client's last: each batch of chunks is
 * written and flushed as it arrives, the stream ends for the client at its last event, and whatever
 * goes wrong after the 200 travels as a final SSE error event ({@link Proxy} sends the request and
 * hands the answer over).
 */
final class StreamPipe {
    private StreamPipe() {}

    /**
     * Relays the engine's stream {@code in} to the client. When the engine's head came alone, as
     * llama-server and vLLM send it, at once, before they read the prompt, the client has it at once
     * too (as from the engine itself, or through nginx), and the client's own work on it overlaps the
     * prompt's; when the first events came with it, they go out together. Until a head has gone out a
     * failure is an error answer (a first-byte timeout a 504); after it, the client has a 200 and
     * hears of any failure in a final error event.
     *
     * @param opened a stream already answered 200 ({@link LoadingStream}); null to begin one on {@code res}
     * @param ends   what the stream's last event may carry when it ended as it should
     */
    static Outcome pipe(Upstream engine, InputStream in, int status, ServerResponse res, long start,
                        Deadline deadline, Abort abort, OutputStream opened, List<byte[]> ends, Reshape reshape) {
        byte[] buf = new byte[16 * 1024];
        ServerResponse own = opened == null ? res : null; // a response this stream began, which it also ends
        // its chunks framed here where it can be (the response's own stream, relayed as the engine sent it)
        ChunkFrames frames = own != null && reshape == Reshape.NONE ? ChunkFrames.onThisConnection() : null;
        OutputStream out = opened;
        if (out == null && nothingYet(in)) {
            out = begin(res, status);
            sendHead(res);
        }
        int n = -1;
        HearthException failed = null;
        try {
            n = readBatch(in, buf);
        } catch (IOException e) {
            failed = Proxy.aborted(abort, engine, e);
        }
        if (failed == null && abort.why() != null) failed = abort.why().error();
        if (failed == null && n < 0) failed = EngineStopped.of(engine, new IOException("stream ended before its first event"));
        if (failed != null) {
            if (out == opened) throw failed; // no head went out here: an error answer
            return endWithError(failed, reshape.stream(out), own, status, 0, abort);
        }
        long firstByte = System.nanoTime() - start;
        if (out == null) {
            out = begin(res, status);
            if (frames != null) sendHead(res); // the frames follow the head
        }
        out = reshape.stream(out);
        StreamScan scan = new StreamScan(ends);
        while (n >= 0) {
            deadline.chunkArrived();
            scan.feed(buf, n);
            boolean whole = scan.done() && StreamScan.endsAtDone(buf, n);
            if (whole) engine.answered().run(); // before the client can hear the end
            if (!(frames != null ? frames.write(buf, n) : write(out, buf, n))) {
                abort.abort(Abort.Reason.CLIENT_GONE, Abort.clientClosed()); // closes `in`: the engine stops
                return new Outcome(status, firstByte, true);
            }
            if (whole) {
                // the answer is whole: the client has its end now, not once the engine has ended its own
                end(out, own);
                deadline.ending(Proxy.ENDING_GRACE);
                drain(in, buf);
                return new Outcome(status, firstByte, false, Math.max(0, scan.events() - 1));
            }
            try {
                n = readBatch(in, buf);
            } catch (IOException e) {
                return endWithError(Proxy.aborted(abort, engine, e), out, own, status, firstByte, abort);
            }
        }
        if (abort.why() != null) {
            return endWithError(abort.why().error(), out, own, status, firstByte, abort);
        }
        if (!scan.done()) {
            return endWithError(EngineStopped.of(engine, new IOException("stream ended without "
                    + new String(ends.getFirst(), StandardCharsets.US_ASCII))),
                    out, own, status, firstByte, abort);
        }
        engine.answered().run();
        end(out, own);
        return new Outcome(status, firstByte, false, Math.max(0, scan.events() - (ends.getFirst() == Proxy.DONE ? 1 : 0)));
    }

    private static OutputStream begin(ServerResponse res, int status) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, "text/event-stream");
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        res.header("X-Accel-Buffering", "no"); // tell a reverse proxy in front not to buffer either
        return res.outputStream();
    }

    /** Whether nothing of the body has arrived with the head. */
    private static boolean nothingYet(InputStream in) {
        try {
            return in.available() == 0;
        } catch (IOException e) {
            return false; // the read that follows meets it
        }
    }

    /** A client gone by now is found so at the stream's first write. */
    private static void sendHead(ServerResponse res) {
        try {
            ResponseHead.send(res);
        } catch (RuntimeException clientGone) {
            // Helidon reports a closed connection with its own runtime exception types
        }
    }

    /**
     * One read, plus whatever else has already arrived (never waiting for more): one write and
     * flush per batch instead of per token when the engine outpaces us, as it does under load.
     */
    private static int readBatch(InputStream in, byte[] buf) throws IOException {
        int n = in.read(buf);
        while (n > 0 && n < buf.length && in.available() > 0) {
            int more = in.read(buf, n, Math.min(in.available(), buf.length - n));
            if (more <= 0) {
                break;
            }
            n += more;
        }
        return n;
    }

    /**
     * Reads what the engine sends after a stream's end (its last chunk's terminator), so its kept-alive
     * connection can serve the next request. A deadline ({@link Deadline#ending}) closes it if the
     * engine lingers instead.
     */
    private static void drain(InputStream in, byte[] buf) {
        try {
            while (in.read(buf) >= 0) {
                // after [DONE] there is nothing for the client
            }
        } catch (IOException cutOff) {
            // the grace ran out or the engine closed: the connection is not reused
        }
    }

    /** A stream has already answered 200, so the error travels as a final SSE event in the envelope. */
    private static Outcome endWithError(HearthException e, OutputStream out, ServerResponse res, int status,
                                        long firstByte, Abort abort) {
        if (abort.clientGone()) {
            close(out);
            return new Outcome(status, firstByte, true);
        }
        byte[] event = ("data: " + Json.MAPPER.valueToTree(Errors.envelope(e)).toString() + "\n\n")
                .getBytes(StandardCharsets.UTF_8);
        boolean delivered = write(out, event, event.length);
        end(out, res);
        return new Outcome(status, firstByte, !delivered);
    }

    /** @param n bytes of {@code buf} to write; -1 for all of it */
    static boolean write(OutputStream out, byte[] buf, int n) {
        try {
            out.write(buf, 0, n < 0 ? buf.length : n);
            out.flush();
            return true;
        } catch (IOException | UncheckedIOException | IllegalStateException clientGone) {
            return false;
        } catch (RuntimeException clientGone) {
            // Helidon reports a closed connection with its own runtime exception types
            return false;
        }
    }

    /**
     * Ends a stream: with {@code res} (a response this proxy began) its last chunk goes out now, from the
     * thread that relayed it, instead of once the request's own thread has woken to return. The client
     * has its whole answer a wake-up sooner, and its next request on the connection is then mostly
     * waiting when that thread looks for it, so it is read without a trip through the JDK's poller. The
     * request's metrics are recorded and its lease given back on its own thread just after.
     */
    private static void end(OutputStream out, ServerResponse res) {
        close(out);
        if (res instanceof RoutingResponse routing) {
            try {
                routing.commit();
            } catch (RuntimeException clientGone) {
                // nothing left to tell it
            }
        }
    }

    static void close(OutputStream out) {
        try {
            out.close();
        } catch (IOException | RuntimeException ignored) {
            // the client is gone; nothing left to tell it
        }
    }
}
