package dev.hearth.jobs.store;

import java.sql.SQLException;

/**
 * The database failed (connection lost, corrupt file): not the client's fault, so not a
 * HearthException. A full disk is a {@link dev.hearth.StorageFullException} (507) instead.
 */
public final class JobStoreException extends RuntimeException {
    JobStoreException(String message, Throwable cause) { super(message, cause); }

    JobStoreException(SQLException cause) { super("job store: " + cause.getMessage(), cause); }
}
