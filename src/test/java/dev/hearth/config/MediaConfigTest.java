package dev.hearth.config;

import dev.hearth.catalog.HearthConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.hearth.catalog.ConfigFiles.load;
import static dev.hearth.catalog.ConfigFiles.refused;
import static org.assertj.core.api.Assertions.assertThat;

/** media.allowed_paths: none by default, each entry an existing directory, relative to the file. */
class MediaConfigTest {
    @TempDir
    Path dir;

    @Test
    void allowedPaths_isEmpty_whenMediaIsAbsent() {
        assertThat(load(dir, "models: {}\n").media().allowedPaths()).isEmpty();
    }

    @Test
    void allowedPaths_areAbsoluteDirectories_readFromTheConfigFilesDirectory_whenTheyExist() throws Exception {
        Path images = Files.createDirectories(dir.resolve("images"));
        Path other = Files.createDirectories(dir.resolve("elsewhere/pictures"));

        HearthConfig c = load(dir, "models: {}\nmedia:\n  allowed_paths: [images, " + other + "]\n");

        assertThat(c.media().allowedPaths()).containsExactly(images, other);
        assertThat(load(dir, "models: {}\nmedia:\n  allowed_paths: images\n").media().allowedPaths())
                .containsExactly(images);
    }

    @Test
    void allowedPaths_isRefusedNamingTheKey_whenADirectoryIsMissingOrAFile() throws Exception {
        Files.writeString(dir.resolve("a-file"), "x");
        String file = dir.resolve("hearth.yaml").toString();

        ConfigException e = refused(dir, """
                models: {}
                media:
                  allowed_paths:
                    - nowhere
                    - a-file
                  alowed_paths: []
                """);

        assertThat(e.getMessage()).contains("3 problems in " + file)
                .contains(file + ":4: media.allowed_paths: directory not found: " + dir.resolve("nowhere"))
                .contains(file + ":5: media.allowed_paths: directory not found: " + dir.resolve("a-file"))
                .contains(file + ":6: media.alowed_paths: unknown key; did you mean allowed_paths?");
    }
}
