package dev.hearth.catalog;

import java.util.Locale;

/** What a model is for; decides which routes may use it. */
public enum Task {
    CHAT, COMPLETION, EMBEDDINGS, VIDEO, AUDIO;

    public String wire() { return name().toLowerCase(Locale.ROOT); }

    /** Chat models also serve plain completions. */
    public boolean serves(Task requested) {
        return this == requested || (this == CHAT && requested == COMPLETION);
    }

    public static Task parse(String s) {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
    }
}
