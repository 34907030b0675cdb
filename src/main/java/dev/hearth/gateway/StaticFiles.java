package dev.hearth.gateway;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;

/**
 * Files from the class path (the jar): the web UI's own files and the WebJars' libraries. Each file
 * is read once and kept with its gzip form and a strong ETag (its SHA-256), so a browser revalidates
 * with a 304 and a text file crosses the LAN compressed. {@code Cache-Control: no-cache}: the URLs
 * carry no version, so the browser must ask (a cheap 304) rather than run yesterday's script.
 * Paths are checked before the class loader sees them: plain segments, no "..", no dot-files.
 */
public final class StaticFiles {
    /** One path segment of a served file: letters, digits, ".", "_", "-", "@", not starting with a dot. */
    private static final Pattern PATH = Pattern.compile("[A-Za-z0-9_@-][A-Za-z0-9._@-]*(/[A-Za-z0-9_@-][A-Za-z0-9._@-]*)*");
    /** Below this a gzip body saves less than its header costs. */
    private static final int GZIP_MIN = 512;

    private record File(byte[] bytes, byte[] gzip, String etag, String type) {}

    private final ClassLoader loader;
    /** Found files only: a miss is not kept, so requests for made-up names cannot grow this map. */
    private final Map<String, File> cache = new ConcurrentHashMap<>();

    public StaticFiles(ClassLoader loader) {
        this.loader = loader;
    }

    /** Whether {@code path} (relative, "/"-separated) is a name this class would look up at all. */
    public static boolean safe(String path) {
        return path != null && PATH.matcher(path).matches() && !path.contains("..");
    }

    /**
     * Sends the resource {@code resource} (a class path name, already {@link #safe}) or a 404 in the
     * error envelope naming {@code shown}, the path the client asked for.
     */
    public void send(ServerRequest req, ServerResponse res, String resource, String shown) {
        File f = cache.get(resource);
        if (f == null) {
            f = read(resource).orElseThrow(() -> ApiError.notFound("No file " + shown + "."));
            cache.putIfAbsent(resource, f);
        }
        res.header(HeaderNames.CONTENT_TYPE, f.type());
        res.header(HeaderNames.ETAG, f.etag());
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        res.header(HeaderNames.VARY, "Accept-Encoding");
        String match = req.headers().first(HeaderNames.IF_NONE_MATCH).orElse(null);
        if (match != null && (match.equals(f.etag()) || match.equals("W/" + f.etag()))) {
            res.status(Status.NOT_MODIFIED_304).send();
            return;
        }
        boolean gzip = f.gzip() != null && req.headers().first(HeaderNames.ACCEPT_ENCODING)
                .map(v -> v.toLowerCase(java.util.Locale.ROOT).contains("gzip")).orElse(false);
        if (gzip) {
            res.header(HeaderNames.CONTENT_ENCODING, "gzip");
        }
        res.send(gzip ? f.gzip() : f.bytes());
    }

    /**
     * The class path folder of a WebJar, {@code META-INF/resources/webjars/<name>/<version>/}, its
     * version read from the WebJar's Maven metadata so a version bump in the pom needs no code;
     * empty when no such WebJar is on the class path.
     */
    public Optional<String> webjar(String name) {
        for (String group : new String[] {"org.webjars.npm", "org.webjars"}) {
            try (InputStream in = loader.getResourceAsStream("META-INF/maven/" + group + "/" + name + "/pom.properties")) {
                if (in != null) {
                    Properties p = new Properties();
                    p.load(in);
                    return Optional.of("META-INF/resources/webjars/" + name + "/" + p.getProperty("version") + "/");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return Optional.empty();
    }

    private Optional<File> read(String resource) {
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null || resource.endsWith("/")) {
                return Optional.empty();
            }
            byte[] bytes = in.readAllBytes();
            String type = contentType(resource);
            return Optional.of(new File(bytes, compressible(type) && bytes.length >= GZIP_MIN ? gzip(bytes) : null,
                    "\"" + HexFormat.of().formatHex(sha256(bytes), 0, 16) + "\"", type));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String contentType(String name) {
        int dot = name.lastIndexOf('.');
        return switch (dot < 0 ? "" : name.substring(dot + 1)) {
            case "html" -> "text/html; charset=utf-8";
            case "js", "mjs" -> "text/javascript; charset=utf-8";
            case "css" -> "text/css; charset=utf-8";
            case "svg" -> "image/svg+xml";
            case "png" -> "image/png";
            case "ico" -> "image/x-icon";
            case "map", "json" -> "application/json";
            default -> "application/octet-stream";
        };
    }

    private static boolean compressible(String type) {
        return type.startsWith("text/") || type.startsWith("application/json") || type.startsWith("image/svg");
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 3);
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(bytes);
        }
        return out.toByteArray();
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
