package dev.hearth.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The API keys file ({@code server.api_keys_file}, {@code HEARTH_API_KEYS}): one key a line, with
 * an optional name and role after it, separated by spaces:
 * <pre>
 * # comment lines and blank lines are ignored; so is anything after " #"
 * sk-0f3a…                               a bare key: an admin named key-&lt;first 8 hex of its SHA-256&gt;
 * sk-7c1e…  name=alice role=user         a user: sees and cancels only the jobs it made
 * sk-9b2d…  name=ops   role=admin
 * </pre>
 * Strict: an unknown attribute, a bad role or name, a repeated key or name is an error naming
 * {@code file:line}, never skipped; a file without any key is an error too (it must not mean "no auth").
 */
public final class KeysFile {
    /** One key of the file. {@code admin}: may see every job, load and unload models, read logs. */
    public record Entry(String key, String name, boolean admin, int line) {
        public String role() { return admin ? "admin" : "user"; }
    }

    /** A file Hearth cannot use; the message names the file and line. */
    public static final class Invalid extends Exception {
        Invalid(String message) { super(message); }
    }

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");

    private KeysFile() {}

    /** The keys of the file, in file order: at least one. */
    public static List<Entry> read(Path file) throws Invalid {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new Invalid(file + ": cannot read the API keys file: " + e.getMessage());
        }
        List<Entry> entries = new ArrayList<>();
        Map<String, Integer> keys = new LinkedHashMap<>();
        Map<String, Integer> names = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            int n = i + 1;
            String where = file + ":" + n + ": ";
            Entry e = parse(lines.get(i), n, where);
            if (e == null) continue;
            Integer seen = keys.putIfAbsent(e.key(), n);
            if (seen != null) throw new Invalid(where + "the same key as line " + seen + " (each key once)");
            seen = names.putIfAbsent(e.name(), n);
            if (seen != null) throw new Invalid(where + "name=" + e.name() + " is already used on line " + seen
                    + " (names must be unique: jobs belong to a name)");
            entries.add(e);
        }
        if (entries.isEmpty()) {
            throw new Invalid(file + ": holds no API key (only blank or comment lines), so no client could sign in;"
                    + " write one key a line (\"<key>\" or \"<key> name=alice role=user\"), or remove api_keys_file");
        }
        return List.copyOf(entries);
    }

    private static Entry parse(String raw, int line, String where) throws Invalid {
        String text = raw.strip();
        int hash = text.indexOf(" #");
        if (hash >= 0) text = text.substring(0, hash).strip();
        if (text.isEmpty() || text.startsWith("#")) return null;
        String[] tokens = text.split("\\s+");
        String key = tokens[0];
        if (key.contains("=")) {
            throw new Invalid(where + "expected the key first, then name=… role=…; got \"" + key + "\"");
        }
        String name = null;
        Boolean admin = null;
        for (int t = 1; t < tokens.length; t++) {
            String tok = tokens[t];
            int eq = tok.indexOf('=');
            String attr = eq < 0 ? tok : tok.substring(0, eq).toLowerCase(Locale.ROOT);
            String value = eq < 0 ? "" : tok.substring(eq + 1);
            switch (attr) {
                case "name" -> {
                    if (name != null) throw new Invalid(where + "name= given twice");
                    if (!NAME.matcher(value).matches()) {
                        throw new Invalid(where + "name: expected letters, digits, '.', '_', '@' or '-' (at most 64),"
                                + " got \"" + value + "\"");
                    }
                    name = value;
                }
                case "role" -> {
                    if (admin != null) throw new Invalid(where + "role= given twice");
                    admin = switch (value.toLowerCase(Locale.ROOT)) {
                        case "admin" -> true;
                        case "user" -> false;
                        default -> throw new Invalid(where + "role: expected admin or user, got \"" + value + "\"");
                    };
                }
                default -> throw new Invalid(where + "expected name=<name> or role=admin|user after the key, got \""
                        + tok + "\"");
            }
        }
        return new Entry(key, name != null ? name : defaultName(key), admin == null || admin, line);
    }

    /** A stable name for a bare key that does not reveal it: "key-" + the first 8 hex digits of its SHA-256. */
    static String defaultName(String key) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return "key-" + HexFormat.of().formatHex(d, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
