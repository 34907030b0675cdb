package dev.hearth.media;

import dev.hearth.PayloadTooLargeException;
import dev.hearth.StorageFullException;
import dev.hearth.BadRequestException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Client-supplied images for a job, validated and stored under {@code data/inputs/<job>/} before
 * the job is queued, so a bad input is a 400 naming the field and never a failed job later.
 * One image may arrive as a URL, a data URI, bare base64, a local path under an allow-listed
 * directory (LightX2V's {@code image_path}), or a multipart upload. The methods without an
 * accepted set take images only; a route that reads more (OCR: a PDF) passes the kinds it takes.
 */
public final class Inputs {
    private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/_=\\-\\s]+");

    private final Path inputsDir;
    private final MediaLimits limits;
    private final UrlFetcher fetcher;

    public Inputs(Path dataDir, MediaLimits limits) {
        this(dataDir, limits, new UrlFetcher(limits));
    }

    public Inputs(Path dataDir, MediaLimits limits, UrlFetcher fetcher) {
        this.inputsDir = dataDir.resolve("inputs");
        this.limits = limits;
        this.fetcher = fetcher;
    }

    MediaLimits limits() { return limits; }

    /** The directory holding a job's inputs. */
    public Path dir(String jobId) {
        return inputsDir.resolve(Files2.safeName(jobId));
    }

    /** Deletes a request's (or job's) input directory and what is in it; a missing one is fine. */
    public void discard(String jobId) {
        try {
            Files2.deleteTree(dir(jobId));
        } catch (IOException e) {
            // a leftover under data/inputs/ is retention's to remove; the request's answer stands
        }
    }

    /**
     * An image given as a string: http(s) URL, {@code data:} URI, an absolute path (only under
     * {@link MediaLimits#allowedDirs()}), or bare base64 — told apart in that order.
     */
    public StoredInput fromReference(String jobId, String field, String value) {
        return fromReference(jobId, field, value, MediaType.IMAGES);
    }

    /** As {@link #fromReference(String, String, String)}, for an input of one of the {@code accepted} kinds. */
    public StoredInput fromReference(String jobId, String field, String value, Set<MediaType> accepted) {
        if (value == null || value.isBlank()) {
            throw new BadRequestException(field + ": empty", field);
        }
        // no URL, path or base64 image within the cap is longer than this; refuse before regexes
        if (value.length() > maxEncodedChars() + 256) {
            throw tooLarge(field, accepted);
        }
        String v = value.strip();
        String lower = v.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            return fromUrl(jobId, field, v, accepted);
        }
        if (lower.startsWith("data:")) {
            return fromDataUri(jobId, field, v, accepted);
        }
        if (lower.startsWith("file:")) {
            return fromLocalPath(jobId, field, v, accepted);
        }
        if (lower.matches("^[a-z][a-z0-9+.-]*://.*")) {
            throw new BadRequestException(field + ": only http and https URLs are fetched", field);
        }
        // base64 of a JPEG starts with "/9j/", which also looks like an absolute path; a real path
        // almost always has a character base64 lacks ("."), so try base64 first when it could be one
        if (BASE64.matcher(v).matches()) {
            try {
                return store(jobId, field, decode(field, v, accepted), null, accepted);
            } catch (BadRequestException e) {
                if (!v.startsWith("/")) {
                    throw e;
                }
            }
        }
        if (v.startsWith("/")) {
            return fromLocalPath(jobId, field, v, accepted);
        }
        throw new BadRequestException(field + ": expected an http(s) URL, a data URI, base64 or an allowed path", field);
    }

    public StoredInput fromUrl(String jobId, String field, String url) {
        return fromUrl(jobId, field, url, MediaType.IMAGES);
    }

    private StoredInput fromUrl(String jobId, String field, String url, Set<MediaType> accepted) {
        UrlFetcher.Fetched f = fetcher.fetch(field, url, accepted);
        MediaType declared = MediaType.fromContentType(f.declaredType(), accepted).orElseThrow();
        return store(jobId, field, f.body(), declared, accepted);
    }

    /** {@code data:image/png;base64,...}; the declared type must match the bytes. */
    public StoredInput fromDataUri(String jobId, String field, String uri) {
        return fromDataUri(jobId, field, uri, MediaType.IMAGES);
    }

    private StoredInput fromDataUri(String jobId, String field, String uri, Set<MediaType> accepted) {
        int comma = uri.indexOf(',');
        if (comma < 0) {
            throw new BadRequestException(field + ": malformed data URI (no comma)", field);
        }
        String meta = uri.substring(5, comma).toLowerCase(Locale.ROOT);
        if (!meta.endsWith(";base64")) {
            throw new BadRequestException(field + ": data URI must be base64-encoded", field);
        }
        String type = meta.substring(0, meta.length() - ";base64".length());
        MediaType declared = MediaType.fromContentType(type, accepted).orElseThrow(() -> new BadRequestException(
                field + ": data URI type '" + type + "' is not " + MediaType.contentTypes(accepted), field));
        byte[] bytes = decode(field, uri.substring(comma + 1), accepted);
        return store(jobId, field, bytes, declared, accepted);
    }

    /** Bare base64 (standard or URL-safe alphabet, padding optional, whitespace ignored). */
    public StoredInput fromBase64(String jobId, String field, String text) {
        return store(jobId, field, decode(field, text, MediaType.IMAGES), null, MediaType.IMAGES);
    }

    /** A file on this machine, only under an allow-listed directory. */
    public StoredInput fromLocalPath(String jobId, String field, String value) {
        return fromLocalPath(jobId, field, value, MediaType.IMAGES);
    }

    private StoredInput fromLocalPath(String jobId, String field, String value, Set<MediaType> accepted) {
        Path path;
        try {
            path = value.startsWith("file:") ? Path.of(java.net.URI.create(value)) : Path.of(value);
        } catch (RuntimeException e) {
            throw new BadRequestException(field + ": not a valid path", field);
        }
        Path real = allowedRealPath(field, path);
        try {
            long size = Files.size(real);
            if (size > limits.maxBytes()) {
                throw tooLarge(field, accepted);
            }
            return store(jobId, field, Files.readAllBytes(real), null, accepted);
        } catch (IOException e) {
            throw new BadRequestException(field + ": cannot read the file", field);
        }
    }

    /** A multipart file part, already on disk within the cap; moved into the job's directory. */
    public StoredInput fromUpload(String jobId, Multipart.Upload upload) {
        return fromUpload(jobId, upload, MediaType.IMAGES);
    }

    /** As {@link #fromUpload(String, Multipart.Upload)}, for a file of one of the {@code accepted} kinds. */
    public StoredInput fromUpload(String jobId, Multipart.Upload upload, Set<MediaType> accepted) {
        String field = upload.field();
        try {
            // a form may have been read under a larger cap (a job's recording): an image keeps its own
            if (Files.size(upload.path()) > limits.maxBytes()) throw tooLarge(field, accepted);
        } catch (IOException e) {
            throw storageFailure(field, e);
        }
        MediaType type = sniffFile(field, upload.path(), accepted);
        Path target = dir(jobId).resolve(fileName(field, type));
        try {
            Files2.moveAtomically(upload.path(), target);
            return new StoredInput(field, target, type.contentType(), Files.size(target));
        } catch (IOException e) {
            throw storageFailure(field, e);
        }
    }

    /** Parses a multipart/form-data body; the caller closes the form to delete unused parts. */
    public Multipart.Form parseMultipart(InputStream body, String contentType, long contentLength) {
        return new Multipart(limits).parse(body, contentType, contentLength);
    }

    Path allowedRealPath(String field, Path path) {
        if (limits.allowedDirs().isEmpty()) {
            throw new BadRequestException(field + ": local paths are not accepted by this server", field);
        }
        Path normal = path.toAbsolutePath().normalize();
        // the same answer whether or not an outside file exists, so the check leaks nothing
        BadRequestException outside = new BadRequestException(field + ": path is not under an allowed directory", field);
        for (Path dir : limits.allowedDirs()) {
            Path allowed = dir.toAbsolutePath().normalize();
            Path allowedReal;
            try {
                allowedReal = allowed.toRealPath();
            } catch (IOException e) {
                continue; // removed since Hearth started: it allows nothing now
            }
            // named as configured or by where it really is; ".." is gone after normalize()
            if (!normal.startsWith(allowed) && !normal.startsWith(allowedReal)) {
                continue;
            }
            try {
                // resolve symlinks on both sides: a link inside the allowed tree must not lead out of it
                Path real = normal.toRealPath();
                if (real.startsWith(allowedReal) && Files.isRegularFile(real)) {
                    return real;
                }
            } catch (IOException e) {
                throw new BadRequestException(field + ": no such file", field);
            }
        }
        throw outside;
    }

    private byte[] decode(String field, String text, Set<MediaType> accepted) {
        // refuse an oversize text before spending memory decoding it
        if (text.length() > maxEncodedChars()) {
            throw tooLarge(field, accepted);
        }
        String compact = text.replaceAll("\\s", "");
        try {
            boolean urlSafe = compact.indexOf('-') >= 0 || compact.indexOf('_') >= 0;
            byte[] bytes = (urlSafe ? Base64.getUrlDecoder() : Base64.getDecoder()).decode(compact);
            if (bytes.length > limits.maxBytes()) {
                throw tooLarge(field, accepted);
            }
            return bytes;
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(field + ": not valid base64", field);
        }
    }

    /** Checks the magic bytes (and the declared type, if any) and writes the file atomically. */
    private StoredInput store(String jobId, String field, byte[] bytes, MediaType declared, Set<MediaType> accepted) {
        MediaType sniffed = sniff(field, Arrays.copyOf(bytes, Math.min(bytes.length, MediaType.SNIFF_BYTES)), accepted);
        if (declared != null && declared != sniffed) {
            throw new BadRequestException(field + ": declared " + declared.contentType() + " but the bytes are "
                    + sniffed.contentType(), field);
        }
        Path target = dir(jobId).resolve(fileName(field, sniffed));
        try {
            Files2.writeAtomically(new ByteArrayInputStream(bytes), target);
        } catch (IOException e) {
            throw storageFailure(field, e);
        }
        return new StoredInput(field, target, sniffed.contentType(), bytes.length);
    }

    /** A full data directory is a 507 naming it; any other I/O failure stays an internal error. */
    private RuntimeException storageFailure(String field, IOException e) {
        if (StorageFullException.isDiskFull(e)) {
            return StorageFullException.dataDir(inputsDir.getParent(),
                    "the input '" + field + "'", e);
        }
        return new UncheckedIOException("storing input " + field, e);
    }

    private static MediaType sniffFile(String field, Path file, Set<MediaType> accepted) {
        try (InputStream in = Files.newInputStream(file)) {
            return sniff(field, in.readNBytes(MediaType.SNIFF_BYTES), accepted);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static MediaType sniff(String field, byte[] head, Set<MediaType> accepted) {
        return MediaType.sniff(head).filter(accepted::contains).orElseThrow(() -> new BadRequestException(
                field + ": not a " + MediaType.describe(accepted), field));
    }

    private static String fileName(String field, MediaType type) {
        String base = field.replaceAll("[^A-Za-z0-9_-]", "_");
        return Files2.safeName(base.isEmpty() ? "input" : base) + "." + type.extension();
    }

    private long maxEncodedChars() {
        // 4 characters carry 3 bytes, plus room for line breaks in wrapped base64
        long chars = (limits.maxBytes() + 2) / 3 * 4;
        return chars + chars / 64 * 2 + 1024;
    }

    private PayloadTooLargeException tooLarge(String field, Set<MediaType> accepted) {
        String what = accepted.equals(MediaType.IMAGES) ? "the image" : "the file";
        return new PayloadTooLargeException(field + ": " + what + " is larger than " + limits.maxBytes() + " bytes", field);
    }
}
