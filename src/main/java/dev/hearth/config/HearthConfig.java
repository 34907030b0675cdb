package dev.hearth.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The whole configuration: server settings and models in file order.
 *
 * @param source the file it came from, or null for the embedded default
 */
public record HearthConfig(ServerConfig server, Map<String, ModelSpec> models, Path source) {

    public HearthConfig {
        models = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(models));
    }
}
