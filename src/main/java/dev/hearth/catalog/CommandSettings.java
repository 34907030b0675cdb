package dev.hearth.catalog;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A {@code command} model's settings, kept in its spec's options under {@link #OPTION}.
 *
 * @param template     the command, split into argv
 * @param runTimeout   how long one run may take before its process tree is killed
 * @param inputFormat  what the command reads from {@code ${INPUT}}: for transcription an audio file
 *                     at 16 kHz mono 16-bit (wav, raw, flac, mp3, ogg); for speech "text" (UTF-8);
 *                     for ocr an image (png, jpg)
 * @param outputFormat what it writes to {@code ${OUTPUT}}, or to stdout when the command has no
 *                     {@code ${OUTPUT}}: for transcription "text" or "timed_words" (text lines, each
 *                     followed by "word start end [confidence]" lines, as pocketsphinx -time yes prints);
 *                     for speech an audio file (wav, mp3, ogg, flac); for ocr "text"
 * @param voices       request voice names mapped to the engine's (OpenAI's "alloy" → espeak-ng's "en-us")
 */
public record CommandSettings(CommandTemplate template, Duration runTimeout, String inputFormat, String outputFormat,
                              Map<String, String> voices) {
    public static final String OPTION = "command";

    public static final Map<Task, List<String>> INPUT_FORMATS = Map.of(
            Task.TRANSCRIPTION, List.of("wav", "raw", "flac", "mp3", "ogg"),
            Task.SPEECH, List.of("text"),
            Task.OCR, List.of("png", "jpg"));
    public static final Map<Task, List<String>> OUTPUT_FORMATS = Map.of(
            Task.TRANSCRIPTION, List.of("text", "timed_words"),
            Task.SPEECH, List.of("wav", "mp3", "ogg", "flac"),
            Task.OCR, List.of("text"));

    public CommandSettings {
        voices = Map.copyOf(voices);
    }

    /** The settings of a command model. */
    public static CommandSettings of(ModelSpec spec) {
        if (spec.options().get(OPTION) instanceof CommandSettings s) return s;
        throw new IllegalArgumentException("model '" + spec.name() + "' is not a command model");
    }
}
