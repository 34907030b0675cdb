package dev.hearth.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.BadRequestException;
import dev.hearth.Json;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * Typed reads of a dialect's request fields, each 400 naming the field as the client sent it.
 * Numbers and booleans are accepted as JSON values or as strings, because multipart forms carry
 * only strings and the seed servers (pydantic, lax mode) accept "42" for 42 in JSON as well.
 * A JSON null is the same as an absent field.
 */
public final class Fields {
    static final Pattern SIZE = Pattern.compile("(\\d{1,5})x(\\d{1,5})");

    private Fields() {}

    /** A multipart form's fields as a JSON object of strings, so one mapper reads both bodies. */
    public static ObjectNode fromForm(Map<String, String> form) {
        ObjectNode o = Json.object();
        form.forEach(o::put);
        return o;
    }

    static boolean present(ObjectNode body, String field) {
        JsonNode n = body.get(field);
        return n != null && !n.isNull();
    }

    public static Optional<String> text(ObjectNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return Optional.empty();
        }
        if (!n.isTextual()) {
            throw bad(field, "expected a string, got " + kind(n));
        }
        return Optional.of(n.asText());
    }

    /** A string that must be there and not blank. */
    public static String requiredText(ObjectNode body, String field) {
        String s = text(body, field).orElseThrow(() -> bad(field, "is required"));
        if (s.isBlank()) {
            throw bad(field, "must not be empty");
        }
        return s;
    }

    public static OptionalLong integer(ObjectNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return OptionalLong.empty();
        }
        if (n.isIntegralNumber() && n.canConvertToLong()) {
            return OptionalLong.of(n.asLong());
        }
        if (n.isNumber() && n.asDouble() == Math.rint(n.asDouble()) && Math.abs(n.asDouble()) < 1e15) {
            return OptionalLong.of((long) n.asDouble());
        }
        if (n.isTextual()) {
            try {
                return OptionalLong.of(Long.parseLong(n.asText().strip()));
            } catch (NumberFormatException e) {
                // fall through to the message below
            }
        }
        throw bad(field, "expected an integer, got " + kind(n));
    }

    /** An integer of at least {@code min}, within int range. */
    public static OptionalInt intAtLeast(ObjectNode body, String field, int min) {
        OptionalLong v = integer(body, field);
        if (v.isEmpty()) {
            return OptionalInt.empty();
        }
        if (v.getAsLong() < min || v.getAsLong() > Integer.MAX_VALUE) {
            throw bad(field, "must be an integer of at least " + min + ", got " + v.getAsLong());
        }
        return OptionalInt.of((int) v.getAsLong());
    }

    public static OptionalDouble number(ObjectNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return OptionalDouble.empty();
        }
        double d;
        if (n.isNumber()) {
            d = n.asDouble();
        } else if (n.isTextual()) {
            try {
                d = Double.parseDouble(n.asText().strip());
            } catch (NumberFormatException e) {
                throw bad(field, "expected a number, got \"" + abbreviate(n.asText()) + "\"");
            }
        } else {
            throw bad(field, "expected a number, got " + kind(n));
        }
        if (!Double.isFinite(d)) {
            throw bad(field, "must be a finite number");
        }
        return OptionalDouble.of(d);
    }

    public static OptionalDouble positive(ObjectNode body, String field) {
        OptionalDouble v = number(body, field);
        if (v.isPresent() && v.getAsDouble() <= 0) {
            throw bad(field, "must be greater than 0, got " + plain(v.getAsDouble()));
        }
        return v;
    }

    public static Optional<Boolean> bool(ObjectNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return Optional.empty();
        }
        if (n.isBoolean()) {
            return Optional.of(n.asBoolean());
        }
        if (n.isTextual()) {
            switch (n.asText().strip().toLowerCase(Locale.ROOT)) {
                case "true", "1", "yes", "on" -> { return Optional.of(true); }
                case "false", "0", "no", "off", "" -> { return Optional.of(false); }
                default -> { }
            }
        }
        if (n.isIntegralNumber() && (n.asInt() == 0 || n.asInt() == 1)) {
            return Optional.of(n.asInt() == 1);
        }
        throw bad(field, "expected true or false, got " + kind(n));
    }

    /** "WxH" with both sides positive; returned normalised. */
    public static Optional<String> size(ObjectNode body, String field) {
        Optional<String> s = text(body, field);
        if (s.isEmpty()) {
            return s;
        }
        var m = SIZE.matcher(s.get().strip().toLowerCase(Locale.ROOT));
        if (!m.matches() || Integer.parseInt(m.group(1)) == 0 || Integer.parseInt(m.group(2)) == 0) {
            throw bad(field, "expected WIDTHxHEIGHT such as \"1280x720\", got \"" + abbreviate(s.get()) + "\"");
        }
        return Optional.of(Integer.parseInt(m.group(1)) + "x" + Integer.parseInt(m.group(2)));
    }

    public static BadRequestException bad(String field, String what) {
        return new BadRequestException(field + ": " + what + ".", field);
    }

    /** 5.0 → "5", 5.25 → "5.25": how a client wrote the number. */
    public static String plain(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    private static String kind(JsonNode n) {
        if (n.isTextual()) {
            return "\"" + abbreviate(n.asText()) + "\"";
        }
        return n.isContainerNode() ? n.getNodeType().name().toLowerCase(Locale.ROOT) : n.toString();
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }
}
