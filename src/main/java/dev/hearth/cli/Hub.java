package dev.hearth.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.HttpClients;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A Hugging Face-style hub: {@code GET /api/models/{repo}[/revision/{rev}]} lists a repo's files
 * ({@code siblings[].rfilename}); {@code /{repo}/resolve/{rev}/{file}} serves one, answering a HEAD
 * with its size and ETag — for an LFS file, {@code X-Linked-Size} and {@code X-Linked-Etag} (its
 * sha256) on a redirect to a CDN. Redirects are followed here, one at a time, and the token is only
 * sent to the hub's own host: a CDN gets a signed URL, not the user's token.
 */
final class Hub {
    static final String DEFAULT_ENDPOINT = "https://huggingface.co";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final int MAX_REDIRECTS = 10;

    /** What the pull was refused for, in words for the user (no stack trace). */
    static final class HubException extends Exception {
        HubException(String message) {
            super(message);
        }
    }

    /** One file of the repo as the hub describes it; {@code sha256} null when the hub gave none. */
    record FileInfo(String name, long size, String sha256) {}

    private final URI endpoint;
    private final String token;
    private final HttpClient http = HttpClients.userUrl(Duration.ofSeconds(20));

    Hub(String endpoint, String token) {
        String e = endpoint == null || endpoint.isBlank() ? DEFAULT_ENDPOINT : endpoint.strip();
        this.endpoint = URI.create(e.endsWith("/") ? e.substring(0, e.length() - 1) : e);
        this.token = token == null || token.isBlank() ? null : token.strip();
    }

    static Hub fromEnv(Map<String, String> env) {
        return new Hub(env.get("HF_ENDPOINT"), env.get("HF_TOKEN"));
    }

    URI endpoint() { return endpoint; }

    /** A repo's files at one commit ({@code sha} of the model info; the revision asked for when the hub gave none). */
    record Listing(String commit, List<String> files) {}

    /**
     * The repo's file names at {@code revision}, and the commit that revision names now: the files
     * are then fetched from that commit, so a branch that moves during a pull does not mix two versions.
     */
    Listing files(String repo, String revision) throws HubException, IOException, InterruptedException {
        String path = "/api/models/" + repo + (revision.equals("main") ? "" : "/revision/" + encode(revision));
        HttpResponse<InputStream> r = send(path, "GET", -1, Duration.ofSeconds(60));
        try (InputStream body = r.body()) {
            if (r.statusCode() != 200) throw refused(r.statusCode(), repo, null, revision);
            JsonNode info = MAPPER.readTree(body);
            List<String> names = new ArrayList<>();
            for (JsonNode s : info.path("siblings")) {
                if (s.path("rfilename").isTextual()) names.add(s.path("rfilename").asText());
            }
            String sha = info.path("sha").asText("");
            return new Listing(sha.matches("[0-9a-f]{40}") ? sha : revision, names);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new HubException(endpoint + " did not answer like a Hugging Face hub: the model info of " + repo
                    + " is not JSON. Check HF_ENDPOINT.");
        }
    }

    /** HEAD on the file's resolve URL, redirects not followed: the hub's own headers describe it. */
    FileInfo describe(String repo, String revision, String file) throws HubException, IOException, InterruptedException {
        HttpResponse<InputStream> r = send(resolvePath(repo, revision, file), "HEAD", -1, Duration.ofSeconds(60));
        r.body().close();
        int s = r.statusCode();
        if (s >= 400) throw refused(s, repo, file, revision);
        var h = r.headers();
        String etag = h.firstValue("X-Linked-Etag").or(() -> h.firstValue("ETag")).map(Hub::unquote).orElse(null);
        long size = h.firstValue("X-Linked-Size").or(() -> s < 300 ? h.firstValue("Content-Length") : java.util.Optional.empty())
                .map(Hub::size).orElse(-1L);
        String sha = etag != null && SHA256.matcher(etag.toLowerCase(Locale.ROOT)).matches()
                ? etag.toLowerCase(Locale.ROOT) : null;
        return new FileInfo(file, size, sha);
    }

    /** GET of the file from byte {@code from} (a Range request when above 0), redirects followed. */
    HttpResponse<InputStream> download(String repo, String revision, String file, long from)
            throws HubException, IOException, InterruptedException {
        HttpResponse<InputStream> r = send(resolvePath(repo, revision, file), "GET", from, Duration.ofMinutes(2));
        int s = r.statusCode();
        if (s >= 400 && s != 416) {
            r.body().close();
            throw refused(s, repo, file, revision);
        }
        return r;
    }

    private String resolvePath(String repo, String revision, String file) {
        StringBuilder p = new StringBuilder("/").append(repo).append("/resolve/").append(encode(revision));
        for (String part : file.split("/")) p.append('/').append(encode(part));
        return p.toString();
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private HttpResponse<InputStream> send(String path, String method, long from, Duration timeout)
            throws HubException, IOException, InterruptedException {
        URI uri = URI.create(endpoint + path);
        for (int hop = 0; ; hop++) {
            HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout).header("User-Agent", "hearth-pull")
                    .header("Accept-Encoding", "identity").method(method, HttpRequest.BodyPublishers.noBody());
            // the token is the user's: only for the hub itself, never for the CDN it redirects to
            if (token != null && sameHost(uri)) b.header("Authorization", "Bearer " + token);
            if (from > 0) b.header("Range", "bytes=" + from + "-");
            HttpResponse<InputStream> r;
            try {
                r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (java.net.ConnectException | java.net.http.HttpConnectTimeoutException e) {
                throw new HubException("Cannot reach " + uri.getScheme() + "://" + uri.getAuthority()
                        + (sameHost(uri) ? " (HF_ENDPOINT)" : "") + ": " + Objects.requireNonNullElse(e.getMessage(),
                        e.getClass().getSimpleName()));
            } catch (java.net.http.HttpTimeoutException e) {
                throw new HubException(uri.getAuthority() + " sent no answer within " + timeout.toSeconds() + " s");
            }
            int s = r.statusCode();
            URI asked = uri;
            boolean redirect = s == 301 || s == 302 || s == 303 || s == 307 || s == 308;
            // a HEAD's redirect carries the hub's X-Linked-* headers: the caller reads them there
            if (!redirect || method.equals("HEAD") && r.headers().firstValue("X-Linked-Etag").isPresent()) return r;
            r.body().close();
            String location = r.headers().firstValue("Location").orElseThrow(
                    () -> new HubException(asked.getAuthority() + " answered " + s + " without a Location"));
            if (hop >= MAX_REDIRECTS) throw new HubException("More than " + MAX_REDIRECTS + " redirects from " + uri);
            uri = uri.resolve(location);
            if (!uri.getScheme().equals("http") && !uri.getScheme().equals("https")) {
                throw new HubException("The hub redirected to a non-HTTP address: " + uri);
            }
        }
    }

    private boolean sameHost(URI uri) {
        return Objects.equals(uri.getHost(), endpoint.getHost()) && uri.getPort() == endpoint.getPort();
    }

    private HubException refused(int status, String repo, String file, String revision) {
        String what = file == null ? "the repo " + repo : file + " in " + repo;
        return switch (status) {
            case 401, 403 -> new HubException("HTTP " + status + " from " + endpoint + " for " + what
                    + ": set HF_TOKEN to a token that may read it (private and gated repos need one; "
                    + "without a token the hub also answers 401 for a repo that does not exist)");
            case 404 -> new HubException(file == null
                    ? "No such repo on " + endpoint + ": " + repo + " (revision " + revision + ")"
                    : "No such file in " + repo + " at revision " + revision + ": " + file);
            default -> new HubException("HTTP " + status + " from " + endpoint + " for " + what);
        };
    }

    private static long size(String header) {
        try {
            return Long.parseLong(header.strip());
        } catch (NumberFormatException e) {
            return -1; // unknown: the file is then checked by its sha256 alone, if any
        }
    }

    private static String unquote(String etag) {
        String e = etag.strip();
        if (e.startsWith("W/")) e = e.substring(2);
        if (e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"")) e = e.substring(1, e.length() - 1);
        return e;
    }
}
