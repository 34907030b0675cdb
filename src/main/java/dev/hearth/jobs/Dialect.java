package dev.hearth.jobs;

import java.util.Locale;

/** The API a job was created through; each dialect shows the job in its own field names. */
public enum Dialect {
    NATIVE, LIGHTX2V, VIDEOSDGX, OPENAI;

    public String wire() { return name().toLowerCase(Locale.ROOT); }

    public static Dialect fromWire(String s) { return valueOf(s.toUpperCase(Locale.ROOT)); }

    @Override
    public String toString() { return wire(); }
}
