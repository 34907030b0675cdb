package dev.hearth.gateway;

import dev.hearth.Blob;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * Serves a file with HTTP Range support (RFC 9110 §14), streamed from disk, so a browser can seek
 * in a video and a client can resume a download.
 *
 * <ul>
 * <li>{@code bytes=a-b}, {@code bytes=a-}, {@code bytes=-n} → 206 with Content-Range.</li>
 * <li>Several ranges → only the first is served (206); a multipart/byteranges answer buys video
 *     players nothing, and answering with one range is allowed.</li>
 * <li>A range starting past the end, or {@code bytes=-0} → 416 with {@code Content-Range: bytes *&#47;size} and the
 *     error envelope ({@link RangeNotSatisfiableException}).</li>
 * <li>A malformed Range header, or a unit other than bytes, is ignored → 200 (as the RFC says).</li>
 * <li>ETag is size+mtime (cheap; outputs are written once). {@code If-Range} with another ETag or a
 *     date → 200 full; {@code If-None-Match} matching → 304.</li>
 * <li>HEAD answers the same headers without a body.</li>
 * </ul>
 */
public final class RangeSender {
    /** A satisfiable range, inclusive at both ends. */
    record Range(long start, long end) {
        long length() { return end - start + 1; }
    }

    /** Outcome of reading a Range header against a file size. */
    sealed interface Parsed permits Full, Partial, Unsatisfiable {}

    record Full() implements Parsed {}

    record Partial(Range range) implements Parsed {}

    record Unsatisfiable() implements Parsed {}

    private RangeSender() {}

    public static void send(ServerRequest req, ServerResponse res, Path file, String contentType) {
        send(req, res, Blob.of(file), contentType, null);
    }

    public static void send(ServerRequest req, ServerResponse res, Blob file, String contentType) {
        send(req, res, file, contentType, null);
    }

    public static void send(ServerRequest req, ServerResponse res, Path file, String contentType, String downloadName) {
        send(req, res, Blob.of(file), contentType, downloadName);
    }

    /**
     * @param downloadName when not null, {@code Content-Disposition: attachment} with this name;
     *                     when null, the browser shows the file inline
     */
    public static void send(ServerRequest req, ServerResponse res, Blob file, String contentType, String downloadName) {
        long size = file.size();
        long mtime = file.modified().toEpochMilli();
        String etag = "\"" + Long.toHexString(size) + "-" + Long.toHexString(mtime) + "\"";
        String lastModified = DateTimeFormatter.RFC_1123_DATE_TIME.format(
                java.time.Instant.ofEpochMilli(mtime).atZone(ZoneOffset.UTC));
        res.header(HeaderNames.ACCEPT_RANGES, "bytes");
        res.header(HeaderNames.ETAG, etag);
        res.header(HeaderNames.LAST_MODIFIED, lastModified);
        if (downloadName != null) {
            res.header(HeaderNames.CONTENT_DISPOSITION, disposition(downloadName));
        }
        Optional<String> ifNoneMatch = req.headers().first(HeaderNames.IF_NONE_MATCH);
        if (ifNoneMatch.isPresent() && (ifNoneMatch.get().contains(etag) || ifNoneMatch.get().trim().equals("*"))) {
            res.status(Status.NOT_MODIFIED_304);
            res.send();
            return;
        }
        Parsed parsed = new Full();
        Optional<String> range = req.headers().first(HeaderNames.RANGE);
        Optional<String> ifRange = req.headers().first(HeaderNames.IF_RANGE);
        if (range.isPresent() && (ifRange.isEmpty() || ifRange.get().trim().equals(etag))) {
            parsed = parse(range.get(), size);
        }
        boolean head = req.prologue().method() == Method.HEAD;
        switch (parsed) {
            case Unsatisfiable u -> {
                // the gateway's error handler answers 416 in the envelope, keeping this header
                res.header(HeaderNames.CONTENT_RANGE, "bytes */" + size);
                throw new RangeNotSatisfiableException(size);
            }
            case Partial p -> {
                res.status(Status.PARTIAL_CONTENT_206);
                res.header(HeaderNames.CONTENT_RANGE, "bytes " + p.range().start() + "-" + p.range().end() + "/" + size);
                body(res, file, contentType, p.range().start(), p.range().length(), head);
            }
            case Full f -> body(res, file, contentType, 0, size, head);
        }
    }

    /** Reads a Range header; only the first of several ranges is considered. */
    static Parsed parse(String header, long size) {
        String h = header.trim();
        if (!h.regionMatches(true, 0, "bytes=", 0, 6)) {
            return new Full();
        }
        String first = h.substring(6).split(",", 2)[0].trim();
        int dash = first.indexOf('-');
        if (dash < 0) {
            return new Full();
        }
        String a = first.substring(0, dash).trim();
        String b = first.substring(dash + 1).trim();
        try {
            if (a.isEmpty()) { // suffix: the last n bytes
                long n = Long.parseLong(b);
                if (n < 0) {
                    return new Full();
                }
                if (n == 0 || size == 0) {
                    return new Unsatisfiable();
                }
                return new Partial(new Range(Math.max(0, size - n), size - 1));
            }
            long start = Long.parseLong(a);
            long last = b.isEmpty() ? Long.MAX_VALUE : Long.parseLong(b);
            if (start < 0 || last < start) {
                return new Full(); // syntactically invalid: ignore the header
            }
            if (start >= size) {
                return new Unsatisfiable();
            }
            return new Partial(new Range(start, Math.min(last, size - 1)));
        } catch (NumberFormatException e) {
            return new Full();
        }
    }

    private static void body(ServerResponse res, Blob file, String contentType, long start, long length, boolean head) {
        res.header(HeaderNames.CONTENT_TYPE, contentType);
        res.contentLength(length);
        if (head) {
            res.send();
            return;
        }
        try (InputStream in = file.open(start, length);
             OutputStream out = res.outputStream()) {
            byte[] buf = new byte[64 * 1024];
            long left = length;
            while (left > 0) {
                int r = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (r < 0) {
                    break; // the file shrank underneath us; the client sees a short body
                }
                out.write(buf, 0, r);
                left -= r;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("serving " + file.location(), e);
        }
    }

    private static String disposition(String name) {
        String ascii = name.replaceAll("[^A-Za-z0-9._ -]", "_");
        String encoded = java.net.URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
        return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
    }
}
