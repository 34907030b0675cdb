package dev.hearth.config;

import java.nio.file.Path;
import java.util.List;

/**
 * The media: section of hearth.yaml.
 *
 * @param allowedPaths existing directories (absolute) under which a client may name a local file as
 *                     a job input (LightX2V's {@code image_path}); empty = none
 */
public record MediaConfig(List<Path> allowedPaths) {
    public MediaConfig {
        allowedPaths = List.copyOf(allowedPaths);
    }
}
