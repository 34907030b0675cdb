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
 * @param bucket       an S3-compatible bucket instead of a directory (server.blob_dir: s3://…), or null
 * @param shared       whether the database is PostgreSQL, shared by nodes (else this is the only node)
 */
public record ClusterConfig(String nodeId, URI advertiseUrl, Path blobDir, Bucket bucket, boolean shared) {
    /**
     * Where in S3 (or a server that speaks it) job files are kept.
     *
     * @param prefix   what every key starts with ("" for none)
     * @param endpoint an S3-compatible server (MinIO, Ceph…; addressed by path), or null for AWS itself
     * @param region   null for us-east-1
     */
    public record Bucket(String bucket, String prefix, URI endpoint, String region) {}

    public ClusterConfig(String nodeId, URI advertiseUrl, Path blobDir, boolean shared) {
        this(nodeId, advertiseUrl, blobDir, null, shared);
    }

    /** This node alone, on its own data dir. */
    public static ClusterConfig single(String nodeId) {
        return new ClusterConfig(nodeId, null, null, null, false);
    }

    /** Where job inputs and outputs live on this node: the shared directory, else the data dir (a bucket's scratch). */
    public Path blobs(Path dataDir) {
        return blobDir != null ? blobDir : dataDir;
    }
}
