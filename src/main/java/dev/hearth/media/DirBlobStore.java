package dev.hearth.media;

import dev.hearth.Blob;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A directory every node mounts at the same or another path (NFS in real life; the data dir of a
 * single node): a file is reachable from all nodes as soon as it is written, so publishing and
 * releasing do nothing.
 */
public final class DirBlobStore implements BlobStore {
    private final Path root;

    public DirBlobStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    @Override
    public Path root() { return root; }

    @Override
    public void publish(Path file) {}

    @Override
    public Path local(String key) throws IOException {
        Path p = root.resolve(key); // an absolute key resolves to itself
        if (!Files.isRegularFile(p)) throw new NoSuchFileException(key);
        return p;
    }

    @Override
    public Optional<Blob> find(String key) {
        Path p = root.resolve(key);
        return Files.isRegularFile(p) ? Optional.of(Blob.of(p)) : Optional.empty();
    }

    @Override
    public void remove(String jobId) throws IOException {
        Retention.remove(root, jobId);
    }

    @Override
    public long bytes(String jobId) throws IOException {
        return Retention.bytesOnDisk(root, jobId);
    }

    @Override
    public void release(String jobId) {}

    @Override
    public String describe() { return "directory " + root; }
}
