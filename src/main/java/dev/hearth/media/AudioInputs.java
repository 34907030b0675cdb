package dev.hearth.media;

import dev.hearth.BadRequestException;
import dev.hearth.PayloadTooLargeException;
import dev.hearth.StorageFullException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Locale;

/**
 * Recordings to transcribe, stored with their job under {@code data/inputs/<job>/} like images
 * ({@link Inputs}) but with their own, larger cap ({@code media.max_audio_bytes}) and checked by
 * ffprobe, not by magic bytes: whatever ffmpeg reads is accepted, and the recording's length is
 * known before the job is queued. A recording arrives as a multipart upload, an http(s) URL, a
 * {@code data:audio/…} URI, or a file under an allow-listed directory.
 */
public final class AudioInputs {
    private final Inputs inputs;
    private final MediaLimits limits;
    private final UrlFetcher fetcher;

    /** A stored recording and its length. */
    public record StoredAudio(StoredInput input, double seconds) {}

    public AudioInputs(Inputs inputs, long maxBytes) {
        this.inputs = inputs;
        this.limits = inputs.limits().withMaxBytes(maxBytes);
        this.fetcher = new UrlFetcher(limits);
    }

    public long maxBytes() { return limits.maxBytes(); }

    /** Parses a multipart body whose file parts may be recordings up to this cap. */
    public Multipart.Form parseMultipart(InputStream body, String contentType, long contentLength) {
        return new Multipart(limits).parse(body, contentType, contentLength);
    }

    /** A multipart file part, moved into the job's directory. */
    public StoredAudio fromUpload(String jobId, Multipart.Upload upload) {
        Path target = target(jobId, upload.field());
        try {
            Files2.moveAtomically(upload.path(), target);
        } catch (IOException e) {
            throw storageFailure(upload.field(), e);
        }
        return checked(upload.field(), target);
    }

    /**
     * An http(s) URL (fetched with the same checks as an image's: no internal addresses, every
     * redirect checked), a {@code data:audio/…;base64,…} URI, or a path (or file: URI) under an
     * allowed directory.
     */
    public StoredAudio fromReference(String jobId, String field, String value) {
        if (value == null || value.isBlank()) throw new BadRequestException(field + ": empty", field);
        String v = value.strip();
        String lower = v.toLowerCase(Locale.ROOT);
        if (lower.startsWith("data:")) return fromDataUri(jobId, field, v);
        if (lower.startsWith("file:") || v.startsWith("/")) return fromLocalPath(jobId, field, v);
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            Path target = target(jobId, field);
            fetcher.fetchAudio(field, v, target);
            return checked(field, target);
        }
        throw new BadRequestException(field + ": expected an http(s) URL, a data:audio/…;base64 URI or an allowed"
                + " path; or upload the recording as the multipart part '" + field + "'", field);
    }

    private StoredAudio fromDataUri(String jobId, String field, String uri) {
        int comma = uri.indexOf(',');
        String meta = comma < 0 ? "" : uri.substring(5, comma).toLowerCase(Locale.ROOT);
        if (comma < 0 || !meta.endsWith(";base64")) {
            throw new BadRequestException(field + ": expected a base64 data URI (data:audio/mpeg;base64,…)", field);
        }
        String type = meta.substring(0, meta.length() - ";base64".length());
        if (!type.startsWith("audio/") && !type.startsWith("video/") && !type.equals("application/octet-stream")) {
            throw new BadRequestException(field + ": data URI type '" + type + "' is not audio/… or video/…", field);
        }
        Path target = target(jobId, field);
        byte[] text = uri.substring(comma + 1).getBytes(StandardCharsets.US_ASCII);
        try (InputStream in = Base64.getMimeDecoder().wrap(new ByteArrayInputStream(text));
             OutputStream out = Files.newOutputStream(target)) {
            copyCapped(field, in, out);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(field + ": not valid base64", field);
        } catch (IOException e) {
            throw storageFailure(field, e);
        }
        return checked(field, target);
    }

    private StoredAudio fromLocalPath(String jobId, String field, String value) {
        Path path;
        try {
            path = value.startsWith("file:") ? Path.of(java.net.URI.create(value)) : Path.of(value);
        } catch (RuntimeException e) {
            throw new BadRequestException(field + ": not a valid path", field);
        }
        Path real = inputs.allowedRealPath(field, path);
        Path target = target(jobId, field);
        try (InputStream in = Files.newInputStream(real); OutputStream out = Files.newOutputStream(target)) {
            copyCapped(field, in, out);
        } catch (IOException e) {
            throw storageFailure(field, e);
        }
        return checked(field, target);
    }

    private void copyCapped(String field, InputStream in, OutputStream out) throws IOException {
        byte[] buf = new byte[1 << 16];
        long total = 0;
        for (int n; (n = in.read(buf)) > 0; ) {
            total += n;
            if (total > limits.maxBytes()) {
                throw new PayloadTooLargeException(field + ": the recording is larger than media.max_audio_bytes ("
                        + limits.maxBytes() + " bytes)", field);
            }
            out.write(buf, 0, n);
        }
    }

    /** The recording's name in the job's directory; ffmpeg reads it by content, not by extension. */
    private Path target(String jobId, String field) {
        Path dir = inputs.dir(jobId);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw storageFailure(field, e);
        }
        String base = Files2.safeName(field.replaceAll("[^A-Za-z0-9_-]", "_"));
        return dir.resolve((base.isEmpty() ? "audio" : base) + ".audio");
    }

    private static StoredAudio checked(String field, Path file) {
        double seconds = Ffmpeg.audioSeconds(field, file);
        try {
            return new StoredAudio(new StoredInput(field, file, "application/octet-stream", Files.size(file)), seconds);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private RuntimeException storageFailure(String field, IOException e) {
        if (StorageFullException.isDiskFull(e)) {
            return StorageFullException.dataDir(inputs.dir("x").getParent().getParent(), "the input '" + field + "'", e);
        }
        return new UncheckedIOException("storing input " + field, e);
    }
}
