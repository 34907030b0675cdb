package dev.hearth.engine;

import java.time.Duration;

/** Small pieces of the messages engines show users. */
public final class Text {
    private Text() { }

    /** "2s", "10m", "1h", "1500ms": as a user would have written it in hearth.yaml. */
    public static String human(Duration d) {
        long ms = d.toMillis();
        if (ms % 1000 != 0) {
            return ms + "ms";
        }
        long s = ms / 1000;
        if (s == 0 || s % 60 != 0) {
            return s + "s";
        }
        return s % 3600 != 0 ? s / 60 + "m" : s / 3600 + "h";
    }

    /** The exit code of an ended process, with the signal spelled out: 137 is SIGKILL, often the OOM killer. */
    public static String exitCode(Process p) {
        if (p.isAlive()) {
            return "unknown (still running)";
        }
        int code = p.exitValue();
        return code > 128 && code < 160 ? code + " (killed by signal " + (code - 128) + ")" : Integer.toString(code);
    }
}
