package dev.hearth.catalog;

import java.util.Locale;

/**
 * What a model is for; decides which routes may use it. {@code AUDIO} is a worker's job task
 * (transcribe on /v1/jobs); {@code TRANSCRIPTION} (audio → text), {@code SPEECH} (text → audio) and
 * {@code OCR} (image → text) answer /v1/audio/transcriptions, /v1/audio/speech and /v1/ocr.
 */
public enum Task {
    CHAT, COMPLETION, EMBEDDINGS, VIDEO, AUDIO, TRANSCRIPTION, SPEECH, OCR;

    public String wire() { return name().toLowerCase(Locale.ROOT); }

    /** Chat models also serve plain completions. */
    public boolean serves(Task requested) {
        return this == requested || (this == CHAT && requested == COMPLETION);
    }

    public static Task parse(String s) {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
    }
}
