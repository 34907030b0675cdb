package dev.hearth.api.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.BadRequestException;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.IntStream;

/**
 * The OCR request's {@code pages} (Mistral's field: 0-based page indices), checked against the
 * document once its page count is known, before any model loads. One request reads at most
 * {@link #MAX_PAGES} pages, so one request cannot hold an OCR model for hours.
 */
final class OcrPageSelection {
    static final int MAX_PAGES = 100;
    static final String FIELD = "pages";

    private OcrPageSelection() {}

    /** The JSON field: absent or null (every page), or an array of integers. */
    static List<Integer> fromJson(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isArray()) {
            throw notAList();
        }
        if (n.size() > MAX_PAGES) {
            throw tooMany(n.size());
        }
        List<Integer> pages = new ArrayList<>();
        for (JsonNode p : n) {
            if (!p.isIntegralNumber() || !p.canConvertToInt()) {
                throw notAList();
            }
            pages.add(p.asInt());
        }
        return pages;
    }

    /** The multipart field: "0,2,5" or "[0, 2, 5]"; absent or blank is every page. */
    static List<Integer> fromForm(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.strip();
        if (v.startsWith("[") && v.endsWith("]")) {
            v = v.substring(1, v.length() - 1);
        }
        String[] parts = v.split(",", MAX_PAGES + 2);
        if (parts.length > MAX_PAGES) {
            throw tooMany(parts.length);
        }
        List<Integer> pages = new ArrayList<>();
        for (String part : parts) {
            try {
                pages.add(Integer.parseInt(part.strip()));
            } catch (NumberFormatException e) {
                throw notAList();
            }
        }
        return pages;
    }

    /**
     * The pages to read, ascending and each once, of a document of {@code count} pages: the
     * requested ones, or every page when none were named.
     */
    static List<Integer> select(List<Integer> requested, int count) {
        if (requested == null) {
            if (count > MAX_PAGES) {
                throw new BadRequestException(FIELD + ": the document has " + count + " pages and one request reads"
                        + " at most " + MAX_PAGES + "; name the ones to read in 'pages' (0-based, e.g. [0, 1, 2]).", FIELD);
            }
            return IntStream.range(0, count).boxed().toList();
        }
        if (requested.isEmpty()) {
            throw new BadRequestException(FIELD + ": empty; leave it out to read every page, or name 0-based page"
                    + " indices.", FIELD);
        }
        TreeSet<Integer> pages = new TreeSet<>(requested);
        if (pages.size() > MAX_PAGES) {
            throw tooMany(pages.size());
        }
        for (int p : pages) {
            if (p < 0 || p >= count) {
                throw new BadRequestException(FIELD + ": page " + p + " is out of range; the document has " + count
                        + (count == 1 ? " page (index 0)." : " pages (indices 0 to " + (count - 1) + ")."), FIELD);
            }
        }
        return List.copyOf(pages);
    }

    private static BadRequestException notAList() {
        return new BadRequestException(FIELD + ": expected a list of 0-based page indices, such as [0, 2].", FIELD);
    }

    private static BadRequestException tooMany(int n) {
        return new BadRequestException(FIELD + ": " + n + " pages named; one request reads at most " + MAX_PAGES + ".",
                FIELD);
    }
}
