package dev.hearth.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where {@code hearth serve} would listen, and which setting said so: the CLI's other commands
 * talk to that Hearth unless told otherwise. Reads only {@code server.listen}; the rest of the
 * file may be wrong without stopping {@code hearth health} from finding a running Hearth.
 *
 * @param host   the host to connect to (a wildcard listen address becomes loopback)
 * @param source the setting that gave it, as a user would look for it
 */
public record ListenAddress(String host, int port, String source) {

    /** The base URL a client uses, IPv6 hosts in brackets. */
    public String url() {
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /**
     * @param fileOrNull hearth.yaml as the loader (ConfigLoader.locate) finds it, or null
     * @param env        the environment (HEARTH_LISTEN)
     */
    public static ListenAddress of(Path fileOrNull, Map<String, String> env) {
        String fromEnv = env.get("HEARTH_LISTEN");
        if (fromEnv != null && !fromEnv.isBlank()) {
            Values.Listen l = Values.listen(fromEnv);
            if (l != null) return connectable(l, "HEARTH_LISTEN");
        }
        if (fileOrNull != null) {
            Values.Listen l = fromFile(fileOrNull);
            if (l != null) return connectable(l, "server.listen in " + fileOrNull);
        }
        return connectable(new Values.Listen(Defaults.LISTEN_HOST, Defaults.LISTEN_PORT), "the default");
    }

    private static Values.Listen fromFile(Path file) {
        try {
            YamlNode root = YamlReader.read(Files.readString(file), new Problems(file.toString()));
            if (root == null || !root.isMap()) return null;
            YamlNode server = root.map().get("server");
            if (server == null || !server.isMap()) return null;
            YamlNode listen = server.map().get("listen");
            return listen == null || !listen.isScalar() ? null : Values.listen(listen.text());
        } catch (IOException | RuntimeException unreadable) {
            return null; // `hearth serve` will say what is wrong with the file; a client only needs an address
        }
    }

    /** 0.0.0.0 and :: are where a server listens, not where a client connects. */
    private static ListenAddress connectable(Values.Listen l, String source) {
        String host = switch (l.host()) {
            case "0.0.0.0", "" -> "127.0.0.1";
            case "::", "0:0:0:0:0:0:0:0" -> "::1";
            default -> l.host();
        };
        return new ListenAddress(host, l.port(), source);
    }
}
