package dev.hearth;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one ObjectMapper of the gateway, and request-body parsing with client-facing messages.
 * Its parsing limits are set here, deliberately, rather than inherited from Jackson's defaults: a
 * body over one of them is a 413 naming the limit, never a 500.
 */
public final class Json {
    static final int MAX_NESTING = 1000;
    static final int MAX_NUMBER_DIGITS = 1000;
    static final int MAX_NAME_CHARS = 50_000;
    /**
     * The longest string value: room for a base64 data URI of the largest input media accepts
     * (20 MiB → 27.96M characters). The server's body cap (64 MiB) would allow more; anything
     * beyond this is refused before it is decoded.
     */
    static final int MAX_STRING_CHARS = 28 * 1024 * 1024;

    public static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_NESTING)
                    .maxNumberLength(MAX_NUMBER_DIGITS)
                    .maxNameLength(MAX_NAME_CHARS)
                    .maxStringLength(MAX_STRING_CHARS)
                    .build())
            .build())
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private static final Pattern UNEXPECTED_CHAR = Pattern.compile("^Unexpected character \\('(.)' \\(code (\\d+)\\)\\)");
    private static final Pattern TOKEN = Pattern.compile("^(?:Unrecognized|Non-standard) token '([^']{0,40})");
    private static final Pattern CONTROL = Pattern.compile("^Illegal unquoted character \\(\\(CTRL-CHAR, code (\\d+)\\)\\)");

    private Json() {}

    public static ObjectNode object() { return MAPPER.createObjectNode(); }

    public static byte[] bytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    /** Parses a request body that must be a JSON object; anything else is the client's error. */
    public static ObjectNode parseObject(byte[] body) {
        if (body.length == 0) {
            throw new BadRequestException("The request body is empty; send a JSON object.", null);
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (StreamConstraintsException e) {
            throw tooLarge(e);
        } catch (JsonProcessingException e) {
            throw new BadRequestException("The request body is not valid JSON: " + what(e) + where(e.getLocation()) + ".", null);
        } catch (java.io.IOException e) {
            throw new BadRequestException("The request body could not be read.", null);
        }
        if (node == null || node.isMissingNode() || !node.isObject()) {
            throw new BadRequestException("The request body must be a JSON object, got "
                    + (node == null || node.isMissingNode() ? "nothing"
                            : node.getNodeType().name().toLowerCase(java.util.Locale.ROOT)) + ".", null);
        }
        return (ObjectNode) node;
    }

    /** Jackson says which limit in its message only (the exception has no location, nor a field). */
    private static PayloadTooLargeException tooLarge(StreamConstraintsException e) {
        String m = String.valueOf(e.getOriginalMessage());
        String what;
        if (m.contains("NestingDepth")) {
            what = "nests arrays and objects deeper than " + MAX_NESTING + " levels";
        } else if (m.contains("NumberLength")) {
            what = "has a number longer than " + MAX_NUMBER_DIGITS + " characters";
        } else if (m.contains("NameLength")) {
            what = "has a field name longer than " + MAX_NAME_CHARS + " characters";
        } else if (m.contains("StringLength")) {
            what = "has a string longer than " + MAX_STRING_CHARS + " characters; send large files as an upload or a URL";
        } else {
            what = "is larger than this server parses";
        }
        return PayloadTooLargeException.requestBody("The JSON request body " + what + ".");
    }

    /** What is wrong, in the user's words: Jackson's own messages name its features and internals. */
    static String what(JsonProcessingException e) {
        if (e instanceof JsonEOFException) {
            return "it ends before the JSON value is complete";
        }
        String m = String.valueOf(e.getOriginalMessage());
        String lower = m.toLowerCase(java.util.Locale.ROOT);
        Matcher c = UNEXPECTED_CHAR.matcher(m);
        if (c.find()) {
            int code = Integer.parseInt(c.group(2));
            String ch = code < 0x20 || code == 0x7f ? "control character (code " + code + ")" : "character '" + c.group(1) + "'";
            if (lower.contains("was expecting comma")) {
                return "expected a comma, found " + ch;
            }
            if (lower.contains("was expecting a colon")) {
                return "expected a colon after a field name, found " + ch;
            }
            if (lower.contains("double-quote to start field name")) {
                return "expected a field name in double quotes, found " + ch;
            }
            return "unexpected " + ch;
        }
        Matcher t = TOKEN.matcher(m);
        if (t.find()) {
            return "unexpected word '" + t.group(1) + "' (text needs double quotes; NaN and Infinity are not JSON numbers)";
        }
        Matcher ctl = CONTROL.matcher(m);
        if (ctl.find()) {
            return "a string holds an unescaped control character (code " + ctl.group(1) + ")";
        }
        if (lower.contains("unexpected end-of-input")) {
            return "it ends before the JSON value is complete";
        }
        if (lower.contains("unexpected close marker")) {
            return "a closing bracket does not match the one it closes";
        }
        if (lower.contains("utf-8") || lower.contains("utf8") || lower.contains("invalid utf")) {
            return "it is not valid UTF-8 text";
        }
        if (lower.contains("numeric value") || lower.contains("leading zero") || lower.contains("number")) {
            return "a number is malformed";
        }
        if (lower.contains("escape")) {
            return "a string has an invalid backslash escape";
        }
        return "unexpected content";
    }

    private static String where(JsonLocation at) {
        if (at == null || at.getLineNr() < 1) {
            return "";
        }
        return " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    }
}
