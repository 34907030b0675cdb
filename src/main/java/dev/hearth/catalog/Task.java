package dev.hearth.catalog;

import java.util.Locale;

/**
 * What a model is for; decides which routes may use it. {@code TRANSCRIPTION} (audio → text)
 * answers /v1/audio/transcriptions and /v1/audio/translations, and runs {@code transcribe} jobs on
 * /v1/jobs whatever its engine; {@code SPEECH} (text → audio) answers /v1/audio/speech and
 * {@code OCR} (image or PDF → text) /v1/ocr.
 */
public enum Task {
    CHAT, COMPLETION, EMBEDDINGS, VIDEO, TRANSCRIPTION, SPEECH, OCR;

    public String wire() { return name().toLowerCase(Locale.ROOT); }

    /** Chat models also serve plain completions. */
    public boolean serves(Task requested) {
        return this == requested || (this == CHAT && requested == COMPLETION);
    }

    /** {@code audio}, this task's first name, still reads as transcription. */
    public static Task parse(String s) {
        String name = s.trim().toUpperCase(Locale.ROOT);
        return valueOf(name.equals("AUDIO") ? "TRANSCRIPTION" : name);
    }
}
