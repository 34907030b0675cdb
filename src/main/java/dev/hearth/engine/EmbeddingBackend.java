package dev.hearth.engine;

import java.util.List;

/** An engine that computes embeddings inside this JVM. */
public interface EmbeddingBackend {

    /** One vector per input, in order. */
    List<float[]> embed(List<String> inputs);

    /** The length of every vector it returns. */
    int dimensions();

    /** Tokens the inputs count for, for the usage block. */
    int countTokens(List<String> inputs);
}
