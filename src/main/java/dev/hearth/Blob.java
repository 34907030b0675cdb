package dev.hearth;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Optional;

/**
 * A stored file as a download sees it: its size, when it last changed, and its bytes from any offset.
 * A job's output is one, on this node's disk or in the blob store's bucket; the gateway serves either
 * the same way (ranges, ETag) without knowing which.
 */
public interface Blob {
    long size();

    Instant modified();

    /** {@code length} bytes from {@code start} (fewer only if the blob shrank underneath). */
    InputStream open(long start, long length) throws IOException;

    /** Where it is, for a client that shows it: a path on this node, or an {@code s3://} URL. */
    String location();

    /** The file on this node's disk, when it is one. */
    default Optional<Path> file() {
        return Optional.empty();
    }

    /** A regular file on this node's disk. */
    static Blob of(Path file) {
        long size;
        Instant modified;
        try {
            size = Files.size(file);
            modified = Files.getLastModifiedTime(file).toInstant();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file, e);
        }
        return new Blob() {
            @Override public long size() { return size; }

            @Override public Instant modified() { return modified; }

            @Override public InputStream open(long start, long length) throws IOException {
                FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
                return Channels.newInputStream(ch.position(start));
            }

            @Override public String location() { return file.toString(); }

            @Override public Optional<Path> file() { return Optional.of(file); }
        };
    }
}
