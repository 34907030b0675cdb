package dev.hearth.gateway;

import dev.hearth.Principal;
import dev.hearth.config.KeysFile;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

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
     * Routes anyone may call: liveness probes must work without a key, the API's description
     * (/openapi.json, /docs and Swagger UI's files under /docs/) tells nothing a key protects, and
     * neither do the web UI's static files (/, /ui/…, /webjars/…): the page asks for a key itself.
     */
    static final Set<String> OPEN = Set.of("/health", "/ready", "/openapi.json", "/docs", "/");
    private static final List<String> OPEN_PREFIXES = List.of("/docs/", "/ui/", "/webjars/");

    static boolean open(String path) {
        return OPEN.contains(path) || OPEN_PREFIXES.stream().anyMatch(path::startsWith) && !path.contains("..");
    }

    /**
     * The key cookie the web UI sets ({@code SameSite=Strict}, path {@code /v1/jobs/}), accepted
     * only where a browser cannot send a header: {@code <video src>} and {@code <img src>} of a job's
     * output, i.e. GET and HEAD of {@code /v1/jobs/{id}/outputs/{name}}. Never for a mutation or any
     * other read, so a cookie cannot act on the caller's behalf (no CSRF surface: those reads change
     * nothing, and SameSite=Strict keeps the cookie off other sites' requests anyway).
     */
    static final String MEDIA_COOKIE = "hearth_key";
    private static final Pattern MEDIA_PATH = Pattern.compile("/v1/jobs/[^/]+/outputs/[^/]+");

    static boolean mediaRead(String method, String path) {
        return ("GET".equals(method) || "HEAD".equals(method)) && MEDIA_PATH.matcher(path).matches();
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
