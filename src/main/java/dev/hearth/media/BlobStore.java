package dev.hearth.media;

import dev.hearth.Blob;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where job inputs and outputs are kept, named in the database by their key ({@code
 * outputs/<job>/video.mp4}), so every node finds them: a directory every node mounts ({@link
 * DirBlobStore}, the default), or an S3-compatible bucket ({@link S3BlobStore}), for which this
 * node's {@link #root} is only scratch space for the jobs it is running.
 *
 * <p>Files are written under {@link #root} as before (inputs by {@link Inputs}, outputs by {@link
 * Outputs}), then {@link #publish}ed; a job run on this node reads them through {@link #local}.
 */
public interface BlobStore extends AutoCloseable {
    /** This node's directory of job files: {@code inputs/<job>/…} and {@code outputs/<job>/…}. */
    Path root();

    /** The key a file under {@link #root} is named by; a path outside it stays absolute. */
    default String key(Path file) {
        Path r = root().toAbsolutePath().normalize();
        Path f = file.toAbsolutePath().normalize();
        return f.startsWith(r) ? r.relativize(f).toString() : f.toString();
    }

    /** Makes a whole file under {@link #root} reachable from every node. */
    void publish(Path file) throws IOException;

    /**
     * The file of {@code key} on this node's disk, fetched first where it is not.
     *
     * @throws java.nio.file.NoSuchFileException when the store has no such file
     */
    Path local(String key) throws IOException;

    /** The file of {@code key} for a download, wherever it is; empty when the store has none. */
    Optional<Blob> find(String key);

    /** Removes a job's inputs and outputs everywhere. */
    void remove(String jobId) throws IOException;

    /** Bytes a job's inputs and outputs take in the store (retention's disk cap). */
    long bytes(String jobId) throws IOException;

    /** {@link #bytes} of each job, at once: a store that lists cheaply in bulk reads them in one pass. */
    default java.util.Map<String, Long> bytes(java.util.Collection<String> jobIds) throws IOException {
        java.util.Map<String, Long> out = new java.util.HashMap<>();
        for (String id : jobIds) out.put(id, bytes(id));
        return out;
    }

    /** This node is done with a job: copies held only for running it may go (a bucket's scratch). */
    void release(String jobId);

    /** For the log and {@code /api/nodes}: the directory, or the bucket and where it is. */
    String describe();

    @Override
    default void close() {}

    /** An absolute key (a row written before keys) names a file outside any store: read where it is. */
    static boolean absolute(String key) {
        return Path.of(key).isAbsolute();
    }
}
