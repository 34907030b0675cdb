package dev.hearth.catalog;

import dev.hearth.config.ClusterConfig;
import dev.hearth.config.Defaults;
import dev.hearth.config.MediaConfig;
import dev.hearth.config.ServerConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The whole configuration: server settings, models in file order, and media settings.
 *
 * @param source the file it came from, or null for the embedded default
 */
public record HearthConfig(ServerConfig server, Map<String, ModelSpec> models, Path source, MediaConfig media,
                           ClusterConfig cluster) {

    public HearthConfig {
        models = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(models));
        if (media == null) media = new MediaConfig(Defaults.MEDIA_ALLOWED_PATHS);
        if (cluster == null) cluster = ClusterConfig.single("node");
    }

    /** Without a media: section: its defaults; one node. */
    public HearthConfig(ServerConfig server, Map<String, ModelSpec> models, Path source) {
        this(server, models, source, null, null);
    }

    public HearthConfig(ServerConfig server, Map<String, ModelSpec> models, Path source, MediaConfig media) {
        this(server, models, source, media, null);
    }
}
