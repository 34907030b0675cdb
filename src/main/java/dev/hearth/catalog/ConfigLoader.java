package dev.hearth.catalog;

import dev.hearth.config.ConfigException;
import dev.hearth.config.Defaults;
import dev.hearth.config.Fields;
import dev.hearth.config.ClusterConfig;
import dev.hearth.config.ClusterSection;
import dev.hearth.config.MediaConfig;
import dev.hearth.config.MediaSection;
import dev.hearth.config.Problems;
import dev.hearth.config.ServerConfig;
import dev.hearth.config.ServerSection;
import dev.hearth.config.YamlNode;
import dev.hearth.config.YamlReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads hearth.yaml and the environment into a {@link HearthConfig}, or refuses with a
 * {@link ConfigException} listing every problem with its file, line and key.
 *
 * <p>Rules a user can rely on (hearth.example.yaml documents each key):
 * <ul>
 *   <li>Every key is optional; defaults live in {@link Defaults}.</li>
 *   <li>Environment variables (HEARTH_LISTEN, HEARTH_DATA_DIR, HEARTH_DATABASE, HEARTH_MEMORY_BUDGET,
 *       HEARTH_IDLE_UNLOAD, AUTO_UNLOAD_MINUTES, HEARTH_EXCLUSIVE, HEARTH_MAX_QUEUE, HEARTH_API_KEYS)
 *       win over the file; an empty variable counts as unset.</li>
 *   <li>Durations: 500ms, 15s, 30m, 2h, 7d; a plain number is seconds; 0 means never where it applies.
 *       Sizes: 40GiB, 512MiB (powers of 1024), 1.5GB, 800MB (powers of 1000), a plain number is bytes.</li>
 *   <li>Relative paths in the file, and the default data_dir, are read from the file's directory
 *       (the working directory when there is no file); those in variables from the working directory.</li>
 *   <li>Top-level keys starting with x- are ignored: a place for YAML anchors (&amp;name) that
 *       models merge with {@code <<: *name}.</li>
 *   <li>A file without a models: section serves the embedded default models; models: present
 *       (even empty) serves exactly what it lists.</li>
 * </ul>
 */
public final class ConfigLoader {
    private ConfigLoader() {}

    static final List<String> TOP_KEYS = List.of("server", "models", "media");
    /**
     * {@code hearth serve --listen}, passed in the environment map under the option's own name so
     * that a problem with it names the option, not HEARTH_LISTEN.
     */

    /**
     * The model name the embedded default gives a GGUF it finds ("Qwen2.5 7B Q4_K_M.gguf" →
     * "qwen2.5-7b-q4_k_m"); {@code hearth pull --add} names its entries the same way.
     */
    public static String ggufModelName(Path gguf) {
        return EmbeddedDefault.nameOf(gguf);
    }

    /**
     * Which file to read: the one given with --config, else ./hearth.yaml when present, else null
     * (the embedded default).
     */
    public static Path locate(Path explicitOrNull) {
        return locate(explicitOrNull, Path.of(""));
    }

    static Path locate(Path explicitOrNull, Path workDir) {
        if (explicitOrNull != null) return explicitOrNull;
        Path here = workDir.resolve(Defaults.CONFIG_FILE);
        return Files.isRegularFile(here) ? here : null;
    }

    /**
     * @param fileOrNull hearth.yaml, or null for the embedded default
     * @param env        the environment, usually {@code System.getenv()}
     * @throws ConfigException naming every problem found
     */
    public static HearthConfig load(Path fileOrNull, Map<String, String> env) {
        return load(fileOrNull, env, Path.of(""));
    }

    /** @param workDir where ./models is looked for (tests pass a temporary directory) */
    static HearthConfig load(Path fileOrNull, Map<String, String> env, Path workDir) {
        Problems problems = new Problems(fileOrNull == null ? null : fileOrNull.toString());
        Fields f = new Fields(problems, env);
        YamlNode root = fileOrNull == null ? new YamlNode(Map.of(), 1) : readFile(fileOrNull, problems);
        if (root == null) {
            problems.throwIfAny();
        }
        Map<String, YamlNode> top = f.mapping(root, "(top level)", "a mapping with server: and models:");
        // x- keys are ignored, as in docker-compose: a place for YAML anchors shared by several models.
        Map<String, YamlNode> known = new LinkedHashMap<>(top);
        known.keySet().removeIf(k -> k.startsWith("x-"));
        f.knownKeys(known, "", TOP_KEYS);
        Path baseDir = fileOrNull == null ? workDir : fileOrNull.toAbsolutePath().normalize().getParent();

        ServerConfig server = ServerSection.read(top.get("server"), baseDir, f);
        MediaConfig media = MediaSection.read(top.get("media"), baseDir, f);
        ClusterConfig cluster = ClusterSection.read(top.get("server"), server, baseDir, f);
        Map<String, ModelSpec> models = top.containsKey("models")
                ? models(top.get("models"), server, baseDir, f)
                : EmbeddedDefault.models(server, workDir, f);
        EnhancerRules.check(server, top.get("server"), models, top.get("models") != null && top.get("models").isMap()
                ? top.get("models").map() : Map.of(), f);
        problems.throwIfAny();
        return new HearthConfig(server, models, fileOrNull, media, cluster);
    }

    private static Map<String, ModelSpec> models(YamlNode node, ServerConfig server, Path baseDir, Fields f) {
        Map<String, YamlNode> entries = f.mapping(node, "models", "a mapping of model name: settings");
        Map<String, ModelSpec> models = new LinkedHashMap<>();
        entries.forEach((name, entry) -> {
            ModelSpec spec = ModelSection.read(name, entry, server, baseDir, f);
            if (spec != null) models.put(name, spec);
        });
        ModelRules.check(models, entries, server, f);
        return models;
    }

    private static YamlNode readFile(Path file, Problems problems) {
        if (!Files.isRegularFile(file)) {
            problems.inFile("file not found" + (file.isAbsolute() ? "" : " (looked in " + file.toAbsolutePath() + ")"));
            return null;
        }
        try {
            return YamlReader.read(Files.readString(file), problems);
        } catch (CharacterCodingException e) {
            problems.inFile("not UTF-8 text");
        } catch (IOException e) {
            problems.inFile("cannot read it: " + e.getMessage());
        }
        return null;
    }
}
