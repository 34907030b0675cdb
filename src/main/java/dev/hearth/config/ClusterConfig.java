package dev.hearth.config;

import java.net.URI;
import java.nio.file.Path;

/**
 * What makes this Hearth one node of several sharing a PostgreSQL database (server.node_id,
 * server.advertise_url, server.blob_dir).
 *
 * @param nodeId       this node's name among the others; stable across restarts, so a restarted node
 *                     rejoins as itself (default: the host's name)
 * @param advertiseUrl where the other nodes reach this one (requests for a model loaded here are
 *                     forwarded to it), or null for the address Hearth listens on
 * @param blobDir      where job inputs and outputs are kept: a directory every node reaches at the
 *                     same path (NFS), so a job run on one node downloads from any; null = the data dir
 * @param shared       whether the database is PostgreSQL, shared by nodes (else this is the only node)
 */
public record ClusterConfig(String nodeId, URI advertiseUrl, Path blobDir, boolean shared) {
    /** This node alone, on its own data dir. */
    public static ClusterConfig single(String nodeId) {
        return new ClusterConfig(nodeId, null, null, false);
    }

    /** Where job inputs and outputs live. */
    public Path blobs(Path dataDir) {
        return blobDir != null ? blobDir : dataDir;
    }
}
