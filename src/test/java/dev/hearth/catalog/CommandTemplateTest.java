package dev.hearth.catalog;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CommandTemplateTest {

    @Test
    void parse_groupsQuotedWords_andFillsPlaceholdersInsideOneItem() {
        CommandTemplate t = CommandTemplate.parse("whisper-cli -m '/models/my model.bin' -l ${LANGUAGE} -f \"${INPUT}\" --x=${VOICE}.v");
        assertThat(t.items()).containsExactly("whisper-cli", "-m", "/models/my model.bin", "-l", "${LANGUAGE}", "-f",
                "${INPUT}", "--x=${VOICE}.v");
        assertThat(t.argv(Map.of("LANGUAGE", "en; rm -rf /", "INPUT", "/tmp/a b.wav", "VOICE", "$(id)")))
                .containsExactly("whisper-cli", "-m", "/models/my model.bin", "-l", "en; rm -rf /", "-f", "/tmp/a b.wav",
                        "--x=$(id).v");
        assertThat(t.uses("INPUT")).isTrue();
        assertThat(t.uses("OUTPUT")).isFalse();
    }

    @Test
    void argv_leavesAnUnsetPlaceholderEmpty() {
        assertThat(CommandTemplate.parse("espeak-ng -v ${VOICE} -f ${INPUT}").argv(Map.of("INPUT", "in.txt")))
                .containsExactly("espeak-ng", "-v", "", "-f", "in.txt");
    }

    @Test
    void parse_refusesShellSyntax_anOpenQuote_andAnUnknownPlaceholder() {
        assertThatThrownBy(() -> CommandTemplate.parse("tesseract ${INPUT} stdout | head"))
                .hasMessageContaining("'|' is shell syntax, but the command runs without a shell");
        assertThatThrownBy(() -> CommandTemplate.parse("piper --model 'x.onnx ${INPUT}"))
                .hasMessage("a quote (') is not closed");
        assertThatThrownBy(() -> CommandTemplate.parse("piper ${INPUTT}"))
                .hasMessageStartingWith("unknown placeholder ${INPUTT}; a command may use [${INPUT}, ${LANGUAGE},");
        assertThatThrownBy(() -> CommandTemplate.parse("  ")).hasMessage("empty command");
    }
}
