package dev.hearth.media;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Limits on client-supplied media.
 *
 * @param maxBytes      largest accepted input, before and after decoding (413 above it)
 * @param urlTimeout    connect timeout and whole-response timeout of one URL fetch attempt
 * @param retries       extra attempts after the first on connect errors and 5xx (not 4xx)
 * @param firstBackoff  wait before the first retry; doubles for each further one
 * @param allowPrivate  allow URLs that resolve to loopback, private, link-local and similar
 *                      addresses; off by default because Hearth fetches what clients name (SSRF)
 * @param allowedDirs   directories a client may name a local file under ({@code image_path} as a path)
 */
public record MediaLimits(long maxBytes, Duration urlTimeout, int retries, Duration firstBackoff,
                          boolean allowPrivate, List<Path> allowedDirs) {
    public static final long DEFAULT_MAX_BYTES = 20L * 1024 * 1024;

    public MediaLimits {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive, got " + maxBytes);
        }
        if (retries < 0) {
            throw new IllegalArgumentException("retries must be >= 0, got " + retries);
        }
        allowedDirs = List.copyOf(allowedDirs);
    }

    public static MediaLimits defaults() {
        return new MediaLimits(DEFAULT_MAX_BYTES, Duration.ofSeconds(30), 3, Duration.ofSeconds(1), false, List.of());
    }

    public MediaLimits withMaxBytes(long bytes) {
        return new MediaLimits(bytes, urlTimeout, retries, firstBackoff, allowPrivate, allowedDirs);
    }

    public MediaLimits withAllowPrivate(boolean allow) {
        return new MediaLimits(maxBytes, urlTimeout, retries, firstBackoff, allow, allowedDirs);
    }

    public MediaLimits withAllowedDirs(List<Path> dirs) {
        return new MediaLimits(maxBytes, urlTimeout, retries, firstBackoff, allowPrivate, dirs);
    }

    public MediaLimits withUrlTimeout(Duration timeout) {
        return new MediaLimits(maxBytes, timeout, retries, firstBackoff, allowPrivate, allowedDirs);
    }
}
