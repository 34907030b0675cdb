package dev.hearth.config;

import java.nio.file.Path;
import java.util.List;

/**
 * The media: section of hearth.yaml.
 *
 * @param allowedPaths  existing directories (absolute) under which a client may name a local file as
 *                      a job input (LightX2V's {@code image_path}, a recording to transcribe); empty = none
 * @param maxAudioBytes the largest recording accepted for transcription (an upload, a data URI or a
 *                      file); images keep their own, smaller cap
 */
public record MediaConfig(List<Path> allowedPaths, long maxAudioBytes) {
    public MediaConfig {
        allowedPaths = List.copyOf(allowedPaths);
        if (maxAudioBytes <= 0) throw new IllegalArgumentException("maxAudioBytes must be positive");
    }

    public MediaConfig(List<Path> allowedPaths) {
        this(allowedPaths, Defaults.MAX_AUDIO_BYTES);
    }
}
