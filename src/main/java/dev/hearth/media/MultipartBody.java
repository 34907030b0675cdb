package dev.hearth.media;

import java.io.FileNotFoundException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A multipart/form-data body to send upstream (an audio server's /v1/audio/transcriptions): text
 * fields, then files streamed from disk, never read into memory whole.
 */
public final class MultipartBody {
    private final String boundary = "hearth-" + UUID.randomUUID();
    private final List<HttpRequest.BodyPublisher> parts = new ArrayList<>();

    /** Adds a text field; a field with several values (timestamp_granularities[]) is added once per value. */
    public MultipartBody field(String name, String value) {
        parts.add(HttpRequest.BodyPublishers.ofByteArray(("--" + boundary + "\r\nContent-Disposition: form-data; name=\""
                + quoted(name) + "\"\r\n\r\n" + value + "\r\n").getBytes(StandardCharsets.UTF_8)));
        return this;
    }

    public MultipartBody file(String name, String filename, String contentType, Path file) {
        parts.add(HttpRequest.BodyPublishers.ofByteArray(("--" + boundary + "\r\nContent-Disposition: form-data; name=\""
                + quoted(name) + "\"; filename=\"" + quoted(filename) + "\"\r\nContent-Type: " + contentType
                + "\r\n\r\n").getBytes(StandardCharsets.UTF_8)));
        try {
            parts.add(HttpRequest.BodyPublishers.ofFile(file));
        } catch (FileNotFoundException e) {
            throw new IllegalStateException("the upload " + file + " is gone", e);
        }
        parts.add(HttpRequest.BodyPublishers.ofByteArray("\r\n".getBytes(StandardCharsets.US_ASCII)));
        return this;
    }

    public String contentType() {
        return "multipart/form-data; boundary=" + boundary;
    }

    public HttpRequest.BodyPublisher publisher() {
        List<HttpRequest.BodyPublisher> all = new ArrayList<>(parts);
        all.add(HttpRequest.BodyPublishers.ofByteArray(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII)));
        return HttpRequest.BodyPublishers.concat(all.toArray(HttpRequest.BodyPublisher[]::new));
    }

    /** A name inside quotes: no quote, no line break (they would end the header). */
    private static String quoted(String s) {
        return s.replaceAll("[\"\\r\\n]", "_");
    }
}
