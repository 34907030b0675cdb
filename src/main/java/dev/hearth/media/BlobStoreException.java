package dev.hearth.media;

import dev.hearth.HearthException;

/**
 * The blob store did not answer (a bucket unreachable, refused credentials): 503, naming the bucket
 * but never a key or a credential. A client may retry; the job's files are where they were.
 */
public final class BlobStoreException extends HearthException {
    public BlobStoreException(String message, Throwable cause) {
        super(503, "server_error", "blob_store_unavailable", message, cause);
    }

    @Override
    public long retryAfterSeconds() { return 5; }
}
