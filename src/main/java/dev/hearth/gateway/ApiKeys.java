package dev.hearth.gateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Set;

/**
 * API keys from a file, one a line ('#' starts a comment). Compared in constant time so a timing
 * probe cannot guess a key. No file = no auth (Hearth then listens on loopback only).
 */
public final class ApiKeys {
    private final List<byte[]> keys;

    private ApiKeys(List<byte[]> keys) {
        this.keys = keys;
    }

    public static ApiKeys none() {
        return new ApiKeys(List.of());
    }

    public static ApiKeys load(Path file) {
        if (file == null) {
            return none();
        }
        try {
            return new ApiKeys(Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                    .map(l -> l.getBytes(StandardCharsets.UTF_8))
                    .toList());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read api_keys_file " + file, e);
        }
    }

    public boolean required() { return !keys.isEmpty(); }

    /** Routes anyone may call: liveness probes must work without a key. */
    static final Set<String> OPEN = Set.of("/health", "/ready");

    boolean accepts(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        byte[] given = authorization.substring(7).strip().getBytes(StandardCharsets.UTF_8);
        boolean ok = false;
        for (byte[] key : keys) {
            ok |= MessageDigest.isEqual(key, given);
        }
        return ok;
    }
}
