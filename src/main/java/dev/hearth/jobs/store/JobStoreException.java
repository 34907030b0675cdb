package dev.hearth.jobs.store;

import java.sql.SQLException;

/** The database failed (disk full, connection lost): not the client's fault, so not a HearthException. */
public final class JobStoreException extends RuntimeException {
    JobStoreException(String message, Throwable cause) { super(message, cause); }

    JobStoreException(SQLException cause) { super("job store: " + cause.getMessage(), cause); }
}
