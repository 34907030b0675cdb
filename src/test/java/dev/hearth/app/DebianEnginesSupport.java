package dev.hearth.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

/**
 * Debian's real speech and OCR engines for the audio tests: skipped with the reason where they are
 * not installed, failed when CI=true (.ci/run installs them).
 */
final class DebianEnginesSupport {
    private DebianEnginesSupport() {}

    static final String APT = "apt-get install pocketsphinx pocketsphinx-en-us pocketsphinx-testdata espeak-ng"
            + " tesseract-ocr tesseract-ocr-eng ffmpeg";
    /** pocketsphinx-testdata's recording of a man saying "go forward ten meters": 16 kHz 16-bit mono raw. */
    static final Path GO_FORWARD = Path.of("/usr/share/pocketsphinx/test/data/goforward.raw");

    static final String MODELS = """
            pocketsphinx-en-us:
              task: transcription
              engine: command
              cmd: pocketsphinx_continuous -infile ${INPUT} -time yes
              output_format: timed_words
              defaults: { language: en }
            pocketsphinx-text:
              task: transcription
              engine: command
              cmd: pocketsphinx_continuous -infile ${INPUT}
            espeak-ng:
              task: speech
              engine: command
              cmd: espeak-ng -v ${VOICE} -w ${OUTPUT} -f ${INPUT}
              defaults: { voice: en-us }
              voices: { alloy: en-us, nova: en-us+f3 }
            tesseract-eng:
              task: ocr
              engine: command
              cmd: tesseract ${INPUT} stdout -l eng
            slow-ocr:
              task: ocr
              engine: command
              cmd: sh -c "sleep 600 & wait" ${INPUT}
              run_timeout: 1s
            """;

    /** Skips (or fails under CI) unless every program and file the audio tests use is here. */
    static void require() {
        for (String program : List.of("pocketsphinx_continuous", "espeak-ng", "tesseract", "ffmpeg", "ffprobe")) {
            if (!onPath(program)) missing("'" + program + "' is not on PATH");
        }
        if (!Files.isRegularFile(GO_FORWARD)) missing(GO_FORWARD + " is missing (pocketsphinx-testdata)");
    }

    private static void missing(String why) {
        String message = why + "; install Debian's engines: " + APT;
        if ("true".equalsIgnoreCase(System.getenv("CI"))) fail("CI=true but " + message);
        abort(message);
    }

    static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) return false;
        for (String dir : path.split(":")) {
            if (!dir.isBlank() && Files.isExecutable(Path.of(dir, program))) return true;
        }
        return false;
    }

    /** Runs a tool to completion (a minute at most) and returns its stdout; fails when it fails. */
    static String run(List<String> argv) {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(argv.toString()).isTrue();
            assertThat(p.exitValue()).as(argv + ": " + out).isZero();
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The recording as a file ffmpeg made in {@code format} (mp3, wav…), at 44.1 kHz stereo: the upload path converts it back. */
    static Path goForward(Path dir, String format) {
        Path out = dir.resolve("goforward." + format);
        run(List.of("ffmpeg", "-nostdin", "-y", "-loglevel", "error", "-f", "s16le", "-ar", "16000", "-ac", "1",
                "-i", GO_FORWARD.toString(), "-ar", "44100", "-ac", "2", out.toString()));
        return out;
    }

    /** Seconds of audio ffprobe reads in a file (extra options before -i, like a raw format's). */
    static double duration(Path file, String... inputOptions) {
        List<String> argv = new java.util.ArrayList<>(List.of("ffprobe", "-v", "error"));
        argv.addAll(List.of(inputOptions));
        argv.addAll(List.of("-show_entries", "format=duration", "-of", "csv=p=0", file.toString()));
        return Double.parseDouble(run(argv).strip());
    }

    /** Word error rate of {@code heard} against {@code said}: word-level edit distance over the words said. */
    static double wordErrorRate(String said, String heard) {
        String[] a = said.toLowerCase().replaceAll("[^a-z0-9 ]", " ").strip().split("\\s+");
        String[] b = heard.toLowerCase().replaceAll("[^a-z0-9 ]", " ").strip().split("\\s+");
        if (b.length == 1 && b[0].isEmpty()) b = new String[0];
        int[][] d = new int[a.length + 1][b.length + 1];
        for (int i = 0; i <= a.length; i++) d[i][0] = i;
        for (int j = 0; j <= b.length; j++) d[0][j] = j;
        for (int i = 1; i <= a.length; i++) {
            for (int j = 1; j <= b.length; j++) {
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1),
                        d[i - 1][j - 1] + (a[i - 1].equals(b[j - 1]) ? 0 : 1));
            }
        }
        return (double) d[a.length][b.length] / a.length;
    }
}
