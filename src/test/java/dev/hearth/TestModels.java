package dev.hearth;

import java.nio.file.Files;
import java.nio.file.Path;

/** The real test models in ../shared/models (see its PROVENANCE.md). Missing files fail, never skip. */
public final class TestModels {
    private TestModels() {}

    /** Karpathy's trained 260K-parameter TinyStories Llama, 1.1 MiB, no chat template. */
    public static Path stories260K() {
        return find("stories260K.gguf");
    }

    private static Path find(String name) {
        Path p = Path.of("..", "shared", "models", name).toAbsolutePath().normalize();
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException("test model missing: " + p
                    + " — ../shared must sit beside the checkout (CI puts it there)");
        }
        return p;
    }
}
