package dev.hearth.config;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * server.node_id, server.advertise_url and server.blob_dir: the settings of a node among several on
 * one PostgreSQL. With SQLite there is one node, so setting them is a mistake worth a clear message.
 */
public final class ClusterSection {
    private ClusterSection() {}

    public static final List<String> KEYS = List.of("node_id", "advertise_url", "blob_dir");
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
        Path blobs = blobText == null || blobText.isBlank() ? null : Fields.resolve(blobText.strip(), baseDir)
                .toAbsolutePath().normalize();
        return new ClusterConfig(nodeId != null ? nodeId : hostName(), advertise, blobs, true);
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
