package dev.hearth.scheduler;

import java.util.Locale;

/** A model's lifecycle (DESIGN.md, scheduler rule 1). BUSY is READY with requests in flight. */
public enum ModelState {
    UNLOADED, LOADING, READY, BUSY, UNLOADING, FAILED;

    public String wire() { return name().toLowerCase(Locale.ROOT); }
}
