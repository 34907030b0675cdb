package dev.hearth.media;

import dev.hearth.PayloadTooLargeException;
import dev.hearth.BadRequestException;
import dev.hearth.HttpClients;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Fetches a client-named image URL: http/https only, every address of every hop checked by
 * {@link AddressPolicy} before connecting, redirects followed here (not by the client library) so
 * each target is checked too, the size cap enforced on the header and on the bytes, retries with
 * exponential backoff on connect errors and 5xx only (a 4xx will not change by asking again).
 */
public final class UrlFetcher {
    /** How the fetcher waits between attempts; tests record instead of waiting. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    /** How host names become addresses; tests may pin them. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /** The body and the type the server declared. */
    record Fetched(byte[] body, String declaredType, URI finalUri) {}

    static final int MAX_REDIRECTS = 3;
    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);

    private final MediaLimits limits;
    private final Sleeper sleeper;
    private final Resolver resolver;
    private final HttpClients.Lazy client;

    public UrlFetcher(MediaLimits limits) {
        this(limits, d -> Thread.sleep(d.toMillis()), InetAddress::getAllByName);
    }

    public UrlFetcher(MediaLimits limits, Sleeper sleeper, Resolver resolver) {
        this.limits = limits;
        this.sleeper = sleeper;
        this.resolver = resolver;
        // we follow redirects, checking each target; built at the first fetch, not at start-up
        this.client = HttpClients.lazy(() -> HttpClients.userUrl(limits.urlTimeout()));
    }

    /** Fetches the URL given in {@code field}; 400 naming the field or 413 on failure. */
    Fetched fetch(String field, String url) {
        return fetch(field, url, MediaType.IMAGES);
    }

    /** As {@link #fetch(String, String)}, for a body of one of the {@code accepted} kinds. */
    Fetched fetch(String field, String url, Set<MediaType> accepted) {
        return fetch(field, url, Wanted.of(accepted), (in, type, at) -> new Fetched(readCapped(field, in), type, at));
    }

    /**
     * A recording (audio/…, video/…, application/ogg or an untyped octet-stream; ffprobe judges the
     * bytes later) streamed to {@code target} within the cap, never held in memory whole.
     */
    void fetchAudio(String field, String url, Path target) {
        fetch(field, url, Wanted.AUDIO, (in, type, at) -> {
            try (in; OutputStream out = Files.newOutputStream(target)) {
                byte[] buf = new byte[1 << 16];
                long total = 0;
                for (int n; (n = in.read(buf)) > 0; ) {
                    total += n;
                    if (total > limits.maxBytes()) throw tooLarge(field);
                    out.write(buf, 0, n);
                }
                return null;
            } catch (IOException e) {
                throw new Transient("body: " + e.getMessage());
            }
        });
    }

    /** What a fetch accepts: the Accept header it sends, and whether an answer's Content-Type will do. */
    private record Wanted(String accept, Predicate<String> type, String described) {
        static final Wanted AUDIO = new Wanted("audio/*, video/*, application/ogg, application/octet-stream", t -> {
            String base = t == null ? "" : t.split(";", 2)[0].strip().toLowerCase(java.util.Locale.ROOT);
            return base.startsWith("audio/") || base.startsWith("video/") || base.equals("application/ogg")
                    || base.equals("application/octet-stream");
        }, "audio/… or video/…");

        static Wanted of(Set<MediaType> kinds) {
            String accept = java.util.Arrays.stream(MediaType.values()).filter(kinds::contains)
                    .map(MediaType::contentType).collect(java.util.stream.Collectors.joining(", "));
            return new Wanted(accept, t -> MediaType.fromContentType(t, kinds).isPresent(), MediaType.contentTypes(kinds));
        }
    }

    /** Reads an answer's body once its status and type were found good. */
    @FunctionalInterface
    private interface Body<T> {
        T read(InputStream in, String type, URI at) throws Transient;
    }

    private <T> T fetch(String field, String url, Wanted wanted, Body<T> body) {
        URI uri = parse(field, url);
        Duration backoff = limits.firstBackoff();
        for (int attempt = 1; ; attempt++) {
            try {
                return followRedirects(field, uri, wanted, body);
            } catch (Transient t) {
                if (attempt > limits.retries()) {
                    throw new BadRequestException(field + ": could not fetch " + redact(uri) + " after "
                            + attempt + " attempt(s): " + t.getMessage(), field);
                }
            }
            try {
                sleeper.sleep(backoff);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BadRequestException(field + ": fetch interrupted", field);
            }
            backoff = backoff.multipliedBy(2);
        }
    }

    private <T> T followRedirects(String field, URI uri, Wanted wanted, Body<T> body) throws Transient {
        for (int hop = 0; ; hop++) {
            check(field, uri);
            HttpResponse<InputStream> res = send(uri, wanted.accept());
            int status = res.statusCode();
            if (REDIRECTS.contains(status)) {
                close(res);
                String location = res.headers().firstValue("location").orElse(null);
                if (location == null) {
                    throw new BadRequestException(field + ": " + redact(uri) + " answered " + status + " without a Location", field);
                }
                if (hop >= MAX_REDIRECTS) {
                    throw new BadRequestException(field + ": more than " + MAX_REDIRECTS + " redirects", field);
                }
                uri = parse(field, uri.resolve(location.trim()).toString());
                continue;
            }
            if (status >= 500) {
                close(res);
                throw new Transient("HTTP " + status);
            }
            if (status != 200) {
                close(res);
                throw new BadRequestException(field + ": " + redact(uri) + " answered HTTP " + status, field);
            }
            String type = res.headers().firstValue("content-type").orElse(null);
            if (!wanted.type().test(type)) {
                close(res);
                throw new BadRequestException(field + ": " + redact(uri) + " is " + (type == null ? "untyped" : type)
                        + ", not " + wanted.described(), field);
            }
            long declared = res.headers().firstValueAsLong("content-length").orElse(-1);
            if (declared > limits.maxBytes()) {
                close(res);
                throw tooLarge(field);
            }
            return body.read(res.body(), type, uri);
        }
    }

    /** Scheme and every resolved address, before any connection is made. */
    private void check(String field, URI uri) {
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new BadRequestException(field + ": URL has no host", field);
        }
        if (limits.allowPrivate()) {
            return;
        }
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(bare);
        } catch (UnknownHostException e) {
            throw new BadRequestException(field + ": cannot resolve host " + host, field);
        }
        for (InetAddress a : addresses) {
            String reason = AddressPolicy.internalReason(a);
            if (reason != null) {
                throw new BadRequestException(field + ": host " + host + " resolves to a " + reason
                        + " address; fetching from internal addresses is not allowed", field);
            }
        }
    }

    private HttpResponse<InputStream> send(URI uri, String accept) throws Transient {
        HttpRequest req = HttpRequest.newBuilder(uri).GET().timeout(limits.urlTimeout())
                .header("Accept", accept).build();
        try {
            return client.get().send(req, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            // connect refused/reset/timeout: the server may be back in a moment
            throw new Transient(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Transient("interrupted");
        }
    }

    private byte[] readCapped(String field, InputStream in) throws Transient {
        try (in) {
            // read one byte past the cap: a server may omit or understate Content-Length
            byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limits.maxBytes() + 1));
            if (body.length > limits.maxBytes()) {
                throw tooLarge(field);
            }
            return body;
        } catch (IOException e) {
            throw new Transient("body: " + e.getMessage());
        }
    }

    private PayloadTooLargeException tooLarge(String field) {
        return new PayloadTooLargeException(field + ": the file is larger than " + limits.maxBytes() + " bytes", field);
    }

    private static URI parse(String field, String url) {
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (Exception e) {
            throw new BadRequestException(field + ": not a valid URL", field);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new BadRequestException(field + ": only http and https URLs are fetched", field);
        }
        return uri;
    }

    /** The URL without user info or query, which may carry tokens, for messages. */
    private static String redact(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
                + (uri.getRawPath() == null ? "" : uri.getRawPath());
    }

    private static void close(HttpResponse<InputStream> res) {
        try {
            res.body().close();
        } catch (IOException ignored) {
            // nothing to do: we are abandoning this response anyway
        }
    }

    /** A failure asking again may cure. */
    private static final class Transient extends Exception {
        Transient(String message) {
            super(message, null, false, false);
        }
    }
}
