package dev.hearth;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Hearth's storage is full (a full data directory, or PostgreSQL's disk): 507 Insufficient
 * Storage, naming what is full but never an absolute path. Nothing is wedged by it: once space is
 * freed the next request succeeds.
 */
public final class StorageFullException extends HearthException {
    public StorageFullException(String message, Throwable cause) {
        super(507, "server_error", "insufficient_storage", message, cause);
    }

    /** "The data directory 'data' is full: …": the directory by its last name only. */
    public static StorageFullException dataDir(Path dir, String what, Throwable cause) {
        return new StorageFullException("The data directory '" + name(dir) + "' is full: " + what + " could not be"
                + " written. Free some space there; Hearth carries on by itself once there is room.", cause);
    }

    /** A directory's last name, for a message that must not show where it is. */
    public static String name(Path dir) {
        Path last = dir.toAbsolutePath().normalize().getFileName();
        return last == null ? "/" : last.toString();
    }

    /** Whether an I/O error (anywhere in the chain) is the file system running out of space or quota. */
    public static boolean isDiskFull(Throwable t) {
        for (Throwable x = t; x != null; x = x.getCause()) {
            if (x instanceof IOException && x.getMessage() != null) {
                String m = x.getMessage().toLowerCase(Locale.ROOT);
                if (m.contains("no space left on device") || m.contains("disk quota exceeded")) return true;
            }
            if (x.getCause() == x) break;
        }
        return false;
    }
}
