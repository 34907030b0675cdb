package dev.hearth.catalog;

import dev.hearth.config.ConfigException;
import dev.hearth.catalog.ConfigLoader;
import dev.hearth.catalog.HearthConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Real files in a temporary directory, and the loader's refusal as a value to assert on. */
public final class ConfigFiles {
    private ConfigFiles() {}

    public static final Path STORIES = Path.of("../shared/models/stories260K.gguf");

    public static Path write(Path dir, String yaml) {
        try {
            return Files.writeString(dir.resolve("hearth.yaml"), yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static HearthConfig load(Path dir, String yaml) {
        return ConfigLoader.load(write(dir, yaml), Map.of(), dir);
    }

    public static ConfigException refused(Path dir, String yaml) {
        return refused(write(dir, yaml), Map.of(), dir);
    }

    public static ConfigException refused(Path file, Map<String, String> env, Path workDir) {
        return catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file, env, workDir));
    }

    public static Path copyStories(Path dir, String name) {
        try {
            Files.createDirectories(dir);
            return Files.copy(STORIES, dir.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
