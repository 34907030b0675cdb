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

    /**
     * The models entries of a hearth.yaml serving {@code stories} (stories260K on Hearth's llamacpp
     * engine) and {@code all-minilm-l6-v2} (the bundled embeddings model), as the SDK tests use them.
     */
    public static String storiesAndEmbeddingsYaml() {
        return """
                stories:
                  engine: llamacpp
                  path: %s
                all-minilm-l6-v2:
                  engine: onnx-embeddings
                """.formatted(stories260K());
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
