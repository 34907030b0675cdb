package dev.hearth.api.openai;

import dev.hearth.BadRequestException;
import dev.hearth.Json;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The OCR request's {@code pages}: parsed from JSON or a form, then checked against the document. */
class OcrPageSelectionTest {
    private static List<Integer> json(String text) {
        try {
            return OcrPageSelection.fromJson(Json.MAPPER.readTree(text));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    private static void refused(Runnable r, String words) {
        assertThatThrownBy(r::run).isInstanceOf(BadRequestException.class).hasMessageContaining(words)
                .extracting("param").isEqualTo("pages");
    }

    @Test
    void select_readsEveryPage_whenNoneAreNamed() {
        assertThat(OcrPageSelection.select(null, 3)).containsExactly(0, 1, 2);
        assertThat(OcrPageSelection.select(null, 100)).hasSize(100);
    }

    @Test
    void select_readsTheNamedPages_inOrder_eachOnce() {
        assertThat(OcrPageSelection.select(json("[2, 0, 2]"), 3)).containsExactly(0, 2);
        assertThat(OcrPageSelection.select(OcrPageSelection.fromForm("1"), 3)).containsExactly(1);
        assertThat(OcrPageSelection.select(OcrPageSelection.fromForm("[2, 1]"), 3)).containsExactly(1, 2);
        assertThat(json("null")).isNull();
        assertThat(OcrPageSelection.fromForm(" ")).isNull();
    }

    @Test
    void select_refusesAPageOutOfRange_namingPagesAndTheCount() {
        refused(() -> OcrPageSelection.select(List.of(5), 2), "page 5 is out of range; the document has 2 pages");
        refused(() -> OcrPageSelection.select(List.of(-1), 2), "page -1 is out of range");
        refused(() -> OcrPageSelection.select(List.of(1), 1), "has 1 page (index 0)");
        refused(() -> OcrPageSelection.select(List.of(), 1), "empty");
    }

    @Test
    void select_refusesMoreThanAHundredPages_whetherNamedOrAll() {
        refused(() -> OcrPageSelection.select(null, 101), "the document has 101 pages and one request reads at most 100");
        String many = IntStream.range(0, 101).mapToObj(Integer::toString).collect(Collectors.joining(","));
        refused(() -> OcrPageSelection.fromForm(many), "101 pages named");
        refused(() -> json("[" + many + "]"), "101 pages named");
        assertThat(OcrPageSelection.select(OcrPageSelection.fromForm(many.substring(0, many.lastIndexOf(','))), 200))
                .hasSize(100);
    }

    @Test
    void fromJsonAndForm_refuseWhatIsNotAListOfIndices() {
        for (String bad : Arrays.asList("\"1\"", "[1.5]", "[\"a\"]", "{}", "[99999999999]", "3")) {
            refused(() -> json(bad), "expected a list of 0-based page indices");
        }
        refused(() -> OcrPageSelection.fromForm("one,two"), "expected a list");
    }
}
