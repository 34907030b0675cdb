package dev.hearth.config;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * server.node_id, server.advertise_url and server.blob_dir (a shared directory, or s3://bucket/prefix
 * with server.s3_endpoint and server.s3_region): the settings of a node among several on
 * one PostgreSQL. With SQLite there is one node, so setting them is a mistake worth a clear message.
 */
public final class ClusterSection {
    private ClusterSection() {}

    public static final List<String> KEYS = List.of("node_id", "advertise_url", "blob_dir", "s3_endpoint", "s3_region");
    private static final Pattern S3_URL = Pattern.compile("s3://([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:/(.*))?");
    private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");

    /**
     * @param server  the server: mapping (its keys are checked by {@link ServerSection})
     * @param baseDir what a relative blob_dir is read from
     */
    public static ClusterConfig read(YamlNode node, ServerConfig s, Path baseDir, Fields f) {
        Map<String, YamlNode> server = node != null && node.isMap() ? node.map() : Map.of();
        String nodeId = first(f.env("HEARTH_NODE_ID", Values.TEXT), f.get(server.get("node_id"), "server.node_id",
                Values.TEXT));
        URI advertise = first(f.env("HEARTH_ADVERTISE_URL", Values.URL), f.get(server.get("advertise_url"),
                "server.advertise_url", Values.URL));
        String blobText = first(f.env("HEARTH_BLOB_DIR", Values.TEXT), f.get(server.get("blob_dir"), "server.blob_dir",
                Values.TEXT));
        boolean shared = s.database() != null && s.database().startsWith("jdbc:postgresql:");
        if (!shared) {
            for (String key : KEYS) {
                if (server.get(key) != null && !server.get(key).isNull()) {
                    f.problems.at(server.get(key), "server." + key, "only for several nodes sharing one PostgreSQL"
                            + " database: with server.database sqlite this Hearth is the only node (set server.database"
                            + " to a jdbc:postgresql: URL, or remove server." + key + ")");
                }
            }
            return ClusterConfig.single(nodeId != null ? nodeId : hostName());
        }
        if (nodeId != null && !NODE_ID.matcher(nodeId).matches()) {
            f.problems.at(server.get("node_id"), "server.node_id", "expected a name of letters, digits, '.', '_' and"
                    + " '-' (at most 63), got \"" + nodeId + "\"");
        }
        URI endpoint = first(f.env("HEARTH_S3_ENDPOINT", Values.URL), f.get(server.get("s3_endpoint"),
                "server.s3_endpoint", Values.URL));
        String region = first(f.env("HEARTH_S3_REGION", Values.TEXT), f.get(server.get("s3_region"), "server.s3_region",
                Values.TEXT));
        String id = nodeId != null ? nodeId : hostName();
        if (blobText != null && blobText.strip().startsWith("s3:")) {
            var m = S3_URL.matcher(blobText.strip());
            if (!m.matches()) {
                f.problems.at(server.get("blob_dir"), "server.blob_dir", "expected s3://bucket or s3://bucket/prefix"
                        + " (a bucket name of 3 to 63 lower-case letters, digits, '.' and '-'), got \"" + blobText.strip()
                        + "\"");
                return new ClusterConfig(id, advertise, null, true);
            }
            String prefix = m.group(2) == null ? "" : m.group(2);
            return new ClusterConfig(id, advertise, null, new ClusterConfig.Bucket(m.group(1), prefix, endpoint,
                    region != null ? region : System.getenv("AWS_REGION")), true);
        }
        for (String key : List.of("s3_endpoint", "s3_region")) {
            if (server.get(key) != null && !server.get(key).isNull()) {
                f.problems.at(server.get(key), "server." + key, "only for a bucket: set server.blob_dir to"
                        + " s3://bucket/prefix, or remove server." + key);
            }
        }
        Path blobs = blobText == null || blobText.isBlank() ? null : Fields.resolve(blobText.strip(), baseDir)
                .toAbsolutePath().normalize();
        return new ClusterConfig(id, advertise, blobs, null, true);
    }

    private static <T> T first(T a, T b) {
        return a != null ? a : b;
    }

    private static String hostName() {
        try {
            String host = InetAddress.getLocalHost().getHostName();
            return NODE_ID.matcher(host).matches() ? host : "node";
        } catch (UnknownHostException e) {
            return "node";
        }
    }
}
