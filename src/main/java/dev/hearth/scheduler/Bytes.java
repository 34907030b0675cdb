package dev.hearth.scheduler;

import java.util.Locale;

/** Sizes in the words users configure them in (GiB, MiB), for messages. */
final class Bytes {
    private static final long KIB = 1024, MIB = KIB * 1024, GIB = MIB * 1024;

    private Bytes() {}

    static String format(long bytes) {
        if (bytes >= GIB) {
            return trim(bytes / (double) GIB) + " GiB";
        }
        if (bytes >= MIB) {
            return trim(bytes / (double) MIB) + " MiB";
        }
        return bytes + " bytes";
    }

    /** One decimal at most, none when whole: "40 GiB", "1.5 GiB". */
    private static String trim(double v) {
        String s = String.format(Locale.ROOT, "%.1f", v);
        return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
    }
}
