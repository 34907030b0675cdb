package dev.hearth.media;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.regex.Pattern;

/** Small file helpers shared by inputs and outputs (and the bench's scratch directory): safe names, atomic writes, removal. */
public final class Files2 {
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

    private Files2() {}

    /**
     * A job id or file name used as a path element. Ids come from Hearth, but the check keeps a
     * bad id from ever naming "..", a separator or an absolute path.
     */
    static String safeName(String name) {
        if (name == null || !SAFE_ID.matcher(name).matches() || name.contains("..")) {
            throw new IllegalArgumentException("not a safe file name: " + name);
        }
        return name;
    }

    /**
     * Writes the stream to {@code target} so that readers see either nothing or the whole file:
     * write a temp file in the same directory, then rename it over the target.
     */
    static void writeAtomically(InputStream in, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
        try {
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            moveAtomically(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Moves a file into place: first beside the target (may copy across file systems), then renames. */
    static void moveAtomically(Path source, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        Path tmp = source;
        if (!source.getParent().equals(target.getParent())) {
            tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
            Files.move(source, tmp, StandardCopyOption.REPLACE_EXISTING);
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            if (!tmp.equals(source)) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /** Deletes a directory tree, if it exists. */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
