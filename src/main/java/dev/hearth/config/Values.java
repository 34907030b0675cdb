package dev.hearth.config;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parsers for the scalar values of hearth.yaml and the HEARTH_* variables. Each {@link Kind} says
 * what it expects, so every problem reads "expected X, got Y" whether it came from the file or the
 * environment. A parser returns null for text it does not accept.
 */
public final class Values {
    private Values() {}

    /** A parser and the words that tell a user what it accepts. */
    public record Kind<T>(String expected, Function<String, T> parse) {}

    /** Model names appear in URL paths (/v1/{model}/, /models/{model}/), so no '/' and no spaces. */
    public static final Pattern NAME_PATTERN = Pattern.compile("[A-Za-z0-9._:-]+");

    public static final Kind<Duration> DURATION = new Kind<>(
            "a duration like 30m, 15s, 2h, 7d or 500ms (a plain number is seconds)", Values::duration);
    public static final Kind<Duration> POSITIVE_DURATION = new Kind<>(
            "a duration greater than 0 like 10m or 90s", s -> positive(duration(s)));
    /** AUTO_UNLOAD_MINUTES, as VideosDGX had it: whole minutes, 0 = never. */
    static final Kind<Duration> MINUTES = new Kind<>(
            "a whole number of minutes (0 = never)", s -> {
                Integer m = parseInt(s, 0, Integer.MAX_VALUE);
                return m == null ? null : Duration.ofMinutes(m);
            });
    public static final Kind<Long> SIZE = new Kind<>("a size like 40GiB or 512MiB", Values::size);
    static final Kind<Long> BUDGET = new Kind<>("auto or a size like 100GiB", s ->
            s.strip().equalsIgnoreCase("auto") ? Long.valueOf(ServerConfig.AUTO) : positive(size(s)));
    public static final Kind<Boolean> BOOL = new Kind<>("true or false", Values::bool);
    public static final Kind<String> TEXT = new Kind<>("text", s -> s);
    static final Kind<String> NAME = new Kind<>(
            "a name of letters, digits, '.', '_', ':' or '-' (it is used in URL paths)",
            s -> NAME_PATTERN.matcher(s).matches() ? s : null);
    static final Kind<Listen> LISTEN = new Kind<>(
            "host:port or :port like 127.0.0.1:8009", Values::listen);
    static final Kind<String> DATABASE = new Kind<>(
            "sqlite or a JDBC URL like jdbc:postgresql://host/db", s ->
                    s.equals("sqlite") || s.startsWith("jdbc:sqlite:") || s.startsWith("jdbc:postgresql:") ? s : null);
    public static final Kind<String> HEALTH = new Kind<>(
            "a URL path starting with / like /health", s -> s.startsWith("/") && !s.contains(" ") ? s : null);
    public static final Kind<URI> URL = new Kind<>(
            "an http:// or https:// URL like http://10.0.0.5:8000", Values::url);

    public static final Kind<Double> POSITIVE_NUMBER = new Kind<>("a number greater than 0 like 0.5", s -> {
        try {
            double d = Double.parseDouble(s.strip());
            return d > 0 && Double.isFinite(d) ? d : null;
        } catch (NumberFormatException e) {
            return null;
        }
    });

    public static Kind<Integer> integer(int min, int max) {
        return new Kind<>("a whole number from " + min + " to " + max, s -> parseInt(s, min, max));
    }

    /** Where the server listens; host without brackets for IPv6. */
    record Listen(String host, int port) {
        /** Only loopback addresses are safe without API keys; names are not resolved on purpose. */
        boolean loopback() {
            return host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
        }
    }

    private static final Pattern DURATION_TEXT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)?");
    private static final Map<String, Long> DURATION_MILLIS = Map.of(
            "ms", 1L, "s", 1_000L, "m", 60_000L, "h", 3_600_000L, "d", 86_400_000L);

    static Duration duration(String text) {
        Matcher m = DURATION_TEXT.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) return null;
        long unit = DURATION_MILLIS.get(m.group(2) == null ? "s" : m.group(2));
        return whole(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit))).map(Duration::ofMillis).orElse(null);
    }

    private static final Pattern SIZE_TEXT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgt]i?b|b)?");

    /** GiB/MiB are powers of 1024, GB/MB powers of 1000 (as on a disk label); a plain number is bytes. */
    static Long size(String text) {
        Matcher m = SIZE_TEXT.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) return null;
        String unit = m.group(2) == null ? "b" : m.group(2);
        int power = "bkmgt".indexOf(unit.charAt(0));
        BigDecimal base = BigDecimal.valueOf(unit.contains("i") ? 1024 : 1000);
        return whole(new BigDecimal(m.group(1)).multiply(base.pow(power))).orElse(null);
    }

    /** Rounds to a whole long, or empty when it overflows. */
    private static Optional<Long> whole(BigDecimal value) {
        try {
            return Optional.of(value.setScale(0, RoundingMode.HALF_UP).longValueExact());
        } catch (ArithmeticException e) {
            return Optional.empty();
        }
    }

    static Boolean bool(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> Boolean.TRUE;
            case "false", "no", "off", "0" -> Boolean.FALSE;
            default -> null;
        };
    }

    static Integer parseInt(String text, int min, int max) {
        try {
            int v = Integer.parseInt(text.strip());
            return v < min || v > max ? null : v;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static final Pattern LISTEN_TEXT = Pattern.compile("(?:(\\[[0-9a-fA-F:.]+]|[^:\\[\\]\\s]*):)?(\\d+)");

    static Listen listen(String text) {
        Matcher m = LISTEN_TEXT.matcher(text.strip());
        if (!m.matches()) return null;
        Integer port = parseInt(m.group(2), 0, 65_535);
        if (port == null) return null;
        String host = m.group(1) == null || m.group(1).isEmpty() ? Defaults.LISTEN_HOST : m.group(1);
        if (host.startsWith("[")) host = host.substring(1, host.length() - 1);
        return new Listen(host, port);
    }

    private static URI url(String text) {
        try {
            URI uri = new URI(text.strip());
            boolean http = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
            return http && uri.getHost() != null ? uri : null;
        } catch (java.net.URISyntaxException e) {
            return null;
        }
    }

    private static Duration positive(Duration d) {
        return d == null || d.isZero() ? null : d;
    }

    private static Long positive(Long bytes) {
        return bytes == null || bytes == 0 ? null : bytes;
    }
}
