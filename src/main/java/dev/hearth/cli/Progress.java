package dev.hearth.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/**
 * One progress line on stderr: redrawn in place ({@code \r}) on a terminal, else printed as plain
 * lines no more often than {@code plainEvery} (a log file or a pipe gets a readable history, not a
 * screenful of carriage returns). Used by {@code hearth pull} (bytes) and {@code hearth jobs --wait}
 * (steps).
 */
final class Progress {
    private final PrintStream out;
    private final boolean tty;
    private final Duration plainEvery;
    private long lastPlain = Long.MIN_VALUE;
    private String lastLine = "";
    private int drawnWidth;

    Progress(PrintStream out, boolean tty, Duration plainEvery) {
        this.out = out;
        this.tty = tty;
        this.plainEvery = plainEvery;
    }

    /**
     * Whether stderr is a terminal. The JDK only tells whether the process has a console at all
     * (stdin and stdout on a terminal); stderr redirected alone is taken for a terminal still,
     * which HEARTH_PROGRESS=plain overrides.
     */
    static boolean stderrIsTerminal() {
        String forced = System.getenv("HEARTH_PROGRESS");
        if (forced != null) return forced.equalsIgnoreCase("bar");
        java.io.Console c = System.console();
        if (c == null) return false;
        try { // JDK 22+: a console exists even when redirected; isTerminal() tells (built for 21, hence reflection)
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(c);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    /** Draws {@code line}: in place on a terminal; as a new line when due (or {@code force}) otherwise. */
    synchronized void show(String line, boolean force) {
        if (tty) {
            String pad = line.length() < drawnWidth ? " ".repeat(drawnWidth - line.length()) : "";
            out.print("\r" + line + pad);
            out.flush();
            drawnWidth = line.length();
            return;
        }
        long now = System.nanoTime();
        boolean due = lastPlain == Long.MIN_VALUE || now - lastPlain >= plainEvery.toNanos();
        if (force || due && !line.equals(lastLine)) {
            out.println(line);
            out.flush();
            lastLine = line;
            lastPlain = now;
        }
    }

    /** A line of its own (a file finished, an error), below the bar. */
    synchronized void note(String line) {
        if (tty && drawnWidth > 0) {
            out.print("\r" + " ".repeat(drawnWidth) + "\r");
            drawnWidth = 0;
        }
        out.println(line);
        out.flush();
    }

    /** Leaves the last drawn bar on screen and moves below it. */
    synchronized void finish() {
        if (tty && drawnWidth > 0) out.println();
        drawnWidth = 0;
    }

    /** {@code [#######-------------]} for a fraction 0..1. */
    static String bar(double fraction, int width) {
        double f = Math.max(0, Math.min(1, fraction));
        int full = (int) Math.round(f * width);
        return "[" + "#".repeat(full) + "-".repeat(width - full) + "]";
    }

    /** 1.5 GiB, 12.0 MiB, 512 B. */
    static String bytes(long n) {
        if (n < 1024) return n + " B";
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int i = -1;
        while (v >= 1024 && i < units.length - 1) {
            v /= 1024;
            i++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[i]);
    }

    /** 1h02m, 3m05s, 42s; "?" when unknown. */
    static String duration(long seconds) {
        if (seconds < 0) return "?";
        if (seconds >= 3600) return String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, seconds % 3600 / 60);
        if (seconds >= 60) return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
        return seconds + "s";
    }
}
