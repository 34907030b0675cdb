package dev.hearth.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The media: section: which local directories a job input may name a file under. */
public final class MediaSection {
    private MediaSection() {}

    public static final List<String> KEYS = List.of("allowed_paths", "max_audio_bytes");

    /**
     * @param node    the media: entry, or null when absent
     * @param baseDir what relative paths in the file are read from (the file's directory)
     */
    public static MediaConfig read(YamlNode node, Path baseDir, Fields f) {
        Map<String, YamlNode> m = f.mapping(node, "media", "a mapping of media settings (allowed_paths,"
                + " max_audio_bytes)");
        f.knownKeys(m, "media", KEYS);
        Long audio = f.get(m.get("max_audio_bytes"), "media.max_audio_bytes", Values.SIZE);
        if (audio != null && audio <= 0) {
            f.problems.at(m.get("max_audio_bytes"), "media.max_audio_bytes", "expected a size above 0, like 512MiB");
            audio = null;
        }
        long maxAudio = audio == null ? Defaults.MAX_AUDIO_BYTES : audio;
        YamlNode list = m.get("allowed_paths");
        if (list == null || list.isNull()) return new MediaConfig(Defaults.MEDIA_ALLOWED_PATHS, maxAudio);
        List<YamlNode> items = list.isList() ? list.list() : List.of(list);
        List<Path> dirs = new ArrayList<>();
        for (YamlNode item : items) {
            String text = f.get(item, "media.allowed_paths", Values.TEXT);
            if (text == null) continue;
            if (text.isBlank()) {
                f.problems.at(item, "media.allowed_paths", "expected a directory, got an empty path");
                continue;
            }
            Path dir = Fields.resolve(text.strip(), baseDir);
            if (!Files.isDirectory(dir)) {
                f.problems.at(item, "media.allowed_paths", "directory not found: " + dir
                        + " (relative paths are read from the config file's directory)");
                continue;
            }
            dirs.add(dir.toAbsolutePath().normalize()); // inputs resolve links on both sides (media.Inputs)
        }
        return new MediaConfig(dirs, maxAudio);
    }
}
