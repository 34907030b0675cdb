package dev.hearth.gateway;

import dev.hearth.Principal;
import dev.hearth.config.KeysFile;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The API keys of the keys file ({@link KeysFile}: a key a line, with an optional name and role),
 * each with the {@link Principal} it signs in as. Compared in constant time, against every key, so
 * a timing probe can guess neither a key nor which one matched. No file = no auth (Hearth then
 * listens on loopback only).
 */
public final class ApiKeys {
    private record Key(byte[] secret, Principal principal) {}

    private final List<Key> keys;

    private ApiKeys(List<Key> keys) {
        this.keys = keys;
    }

    public static ApiKeys none() {
        return new ApiKeys(List.of());
    }

    /**
     * @throws IllegalStateException the file is unreadable, malformed or empty (the configuration
     *                               check reports that before start; this is the file changing since)
     */
    public static ApiKeys load(Path file) {
        if (file == null) {
            return none();
        }
        try {
            return new ApiKeys(KeysFile.read(file).stream()
                    .map(e -> new Key(e.key().getBytes(StandardCharsets.UTF_8), new Principal(e.name(), e.admin())))
                    .toList());
        } catch (KeysFile.Invalid e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    public boolean required() { return !keys.isEmpty(); }

    /**
     * Routes anyone may call: liveness probes must work without a key, and the API's description
     * (/openapi.json, /docs and Swagger UI's files under /docs/) tells nothing a key protects.
     */
    static final Set<String> OPEN = Set.of("/health", "/ready", "/openapi.json", "/docs");
    private static final String OPEN_PREFIX = "/docs/";

    static boolean open(String path) {
        return OPEN.contains(path) || path.startsWith(OPEN_PREFIX) && !path.contains("..");
    }

    /** The principal of a {@code Bearer} key of this file; empty for no key or a wrong one. */
    Optional<Principal> principal(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        byte[] given = authorization.substring(7).strip().getBytes(StandardCharsets.UTF_8);
        Principal found = null;
        for (Key key : keys) {
            if (MessageDigest.isEqual(key.secret(), given)) {
                found = key.principal();
            }
        }
        return Optional.ofNullable(found);
    }
}
