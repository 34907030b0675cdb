package dev.hearth.catalog;

import dev.hearth.config.Defaults;
import dev.hearth.config.Fields;
import dev.hearth.config.ServerConfig;
import dev.hearth.config.Values;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The models Hearth serves with no hearth.yaml (or one without a models: section): the bundled
 * embeddings model, Debian's pocketsphinx, espeak-ng and tesseract when installed, and every GGUF file in ./models (or the HEARTH_MODELS_DIR directories) as
 * a chat model, so that `./hearth serve` next to a folder of GGUFs just works (on llama-server when
 * Hearth finds one, see {@code GgufEngine}).
 */
final class EmbeddedDefault {
    private EmbeddedDefault() {}

    /** A split GGUF's later parts; llama.cpp is given the first part and finds the rest. */
    private static final Pattern LATER_SHARD = Pattern.compile(".*-(\\d{5})-of-\\d{5}$");

    static Map<String, ModelSpec> models(ServerConfig server, Path workDir, Fields f) {
        Map<String, ModelSpec> models = new LinkedHashMap<>();
        models.put(Defaults.EMBEDDINGS_MODEL, ModelDefaults.model(Defaults.EMBEDDINGS_MODEL, Task.EMBEDDINGS,
                EngineKind.ONNX_EMBEDDINGS, Defaults.EMBEDDINGS_ALIASES, null, Defaults.ONNX_EMBEDDINGS_MEMORY, server));
        // a synthetic video source, not a model: a fresh checkout makes a video without a GPU
        models.put(Defaults.TESTSRC_MODEL, ModelDefaults.testsrc(server));
        // Debian's speech and OCR engines, when installed: transcription, speech and OCR on any machine
        models.putAll(DebianEngines.models(server, f));
        for (Path gguf : ggufs(workDir, f)) {
            String name = unique(nameOf(gguf), models);
            try {
                models.put(name, ModelDefaults.gguf(name, gguf, Defaults.llamacppMemory(Files.size(gguf)), server));
            } catch (IOException e) {
                // Vanished or unreadable since the listing: skip it, as a missing ./models would be.
            }
        }
        return models;
    }

    /** "Qwen2.5 7B Q4_K_M.gguf" → "qwen2.5-7b-q4_k_m": lower case, anything outside the name pattern → '-'. */
    static String nameOf(Path gguf) {
        String base = gguf.getFileName().toString();
        base = base.substring(0, base.length() - ".gguf".length()).toLowerCase(Locale.ROOT);
        String name = base.replaceAll("[^a-z0-9._:-]", "-");
        name = name.replaceFirst("-00001-of-\\d{5}$", "");
        return name.isEmpty() ? "model" : name;
    }

    private static String unique(String name, Map<String, ModelSpec> taken) {
        String candidate = name;
        for (int i = 2; taken.containsKey(candidate) || isAlias(candidate, taken); i++) candidate = name + "-" + i;
        return candidate;
    }

    private static boolean isAlias(String name, Map<String, ModelSpec> models) {
        return models.values().stream().anyMatch(m -> m.aliases().contains(name));
    }

    private static List<Path> ggufs(Path workDir, Fields f) {
        List<Path> dirs = new ArrayList<>();
        String listed = f.env("HEARTH_MODELS_DIR", Values.TEXT);
        if (listed != null) {
            for (String entry : listed.split(":")) {
                if (entry.isBlank()) continue;
                Path dir = workDir.resolve(entry.strip());
                if (Files.isDirectory(dir)) {
                    dirs.add(dir);
                } else {
                    f.problems.env("HEARTH_MODELS_DIR", "directory not found: " + dir);
                }
            }
        } else if (Files.isDirectory(workDir.resolve(Defaults.MODELS_DIR))) {
            dirs.add(workDir.resolve(Defaults.MODELS_DIR));
        }
        List<Path> files = new ArrayList<>();
        for (Path dir : dirs) {
            try (Stream<Path> listing = Files.list(dir)) {
                listing.filter(EmbeddedDefault::isModel).sorted().forEach(p -> files.add(p.toAbsolutePath().normalize()));
            } catch (IOException e) {
                // Unreadable ./models is treated as no ./models; a directory the user named is not.
                if (listed != null) f.problems.env("HEARTH_MODELS_DIR", "cannot list " + dir + ": " + e.getMessage());
            }
        }
        return files;
    }

    /** A chat model file: not a vision projector (mmproj) and not the 2nd+ part of a split model. */
    private static boolean isModel(Path p) {
        String file = p.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!file.endsWith(".gguf") || !Files.isRegularFile(p) || file.startsWith("mmproj")) return false;
        var shard = LATER_SHARD.matcher(file.substring(0, file.length() - 5));
        return !shard.matches() || shard.group(1).equals("00001");
    }
}
