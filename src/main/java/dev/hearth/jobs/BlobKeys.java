package dev.hearth.jobs;

import java.nio.file.Path;

/**
 * How a job's input and output files are named in the shared database: by their key under the blob
 * root ({@code outputs/<job>/video.mp4}), so every node finds them under its own mount of the blob
 * directory, wherever that is. A path outside the root (and every row written before keys) stays
 * absolute, and reads as it is.
 */
final class BlobKeys {
    private BlobKeys() {}

    static String key(Path root, Path file) {
        Path r = root.toAbsolutePath().normalize();
        Path f = file.toAbsolutePath().normalize();
        return f.startsWith(r) ? r.relativize(f).toString() : f.toString();
    }

    static Path resolve(Path root, String key) {
        return root.toAbsolutePath().normalize().resolve(key); // an absolute key resolves to itself
    }
}
