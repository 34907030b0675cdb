package dev.hearth.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The progress line: redrawn in place on a terminal, plain lines (no carriage returns) otherwise. */
class ProgressTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    @Test
    void onATerminal_theLineIsRedrawnInPlace_andANoteClearsItFirst() {
        Progress p = new Progress(out, true, Duration.ofSeconds(5));
        p.show("[#---] 10%", false);
        p.show("[##--] 50%", false);
        p.note("file: done");
        p.show("[####] 100%", false);
        p.finish();

        assertThat(bytes.toString(StandardCharsets.UTF_8))
                .isEqualTo("\r[#---] 10%\r[##--] 50%\r          \rfile: done\n\r[####] 100%\n");
    }

    @Test
    void notATerminal_printsPlainLines_atMostOncePerInterval_butAlwaysWhenForced() {
        Progress p = new Progress(out, false, Duration.ofHours(1));
        p.show("10%", false);
        p.show("50%", false);   // within the interval: not printed
        p.show("100%", true);   // the final state: printed
        p.finish();

        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("10%\n100%\n").doesNotContain("\r");
    }

    @Test
    void barsSizesAndDurations_readAsPeopleWriteThem() {
        assertThat(Progress.bar(0.5, 10)).isEqualTo("[#####-----]");
        assertThat(Progress.bytes(1536)).isEqualTo("1.5 KiB");
        assertThat(Progress.duration(3725)).isEqualTo("1h02m");
        assertThat(Progress.duration(65)).isEqualTo("1m05s");
        assertThat(Progress.duration(-1)).isEqualTo("?");
    }
}
