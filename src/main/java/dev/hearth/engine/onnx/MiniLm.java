package dev.hearth.engine.onnx;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;

import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.Map;

/**
 * all-MiniLM-L6-v2 (quantized ONNX) with its own ONNX Runtime session and tokenizer, both freed by
 * {@link #close()}.
 *
 * <p>Why not langchain4j's {@link AllMiniLmL6V2QuantizedEmbeddingModel} itself: it keeps its
 * session in a {@code static final} field, so unloading could never free it. We read the same
 * model and tokenizer files from its jar (naming the class only as a literal, which does not run
 * its static initialiser) and run the same computation: mean pooling over all tokens, then L2
 * normalisation; the test checks the vectors match langchain4j's.
 *
 * <p>One text per ONNX run, never a padded batch: the model quantizes activations per tensor
 * (DynamicQuantizeLinear), so other rows of a batch shift a text's vector (cosine 0.99 against
 * the same text run alone). One text per run keeps a text's vector independent of its neighbours.
 *
 * <p>Thread-safe: ONNX Runtime sessions and the Rust tokenizer may be used from many threads.
 */
final class MiniLm implements AutoCloseable {
    static final int DIMENSIONS = 384;
    /**
     * Longer inputs are cut to this many word pieces (with [CLS] and [SEP]), as
     * sentence-transformers does for this model (its max_seq_length); the bundled tokenizer.json
     * would silently cut at 128.
     */
    static final int MAX_TOKENS = 256;

    private static final String MODEL_FILE = "/all-minilm-l6-v2-q.onnx";
    private static final String TOKENIZER_FILE = "/all-minilm-l6-v2-q-tokenizer.json";

    private final OrtEnvironment env;
    private final OrtSession session;
    private final HuggingFaceTokenizer tokenizer;
    private final boolean wantsTypeIds;
    private final long sepId;

    private MiniLm(OrtEnvironment env, OrtSession session, HuggingFaceTokenizer tokenizer) {
        this.env = env;
        this.session = session;
        this.tokenizer = tokenizer;
        this.wantsTypeIds = session.getInputNames().contains("token_type_ids");
        long[] empty = tokenizer.encode("").getIds(); // [CLS] [SEP]
        this.sepId = empty[empty.length - 1];
    }

    /**
     * Loads the model; its session runs each text on the calling thread only (one intra-op
     * thread), so the caller decides the parallelism and concurrent requests cannot oversubscribe
     * the CPU.
     */
    static MiniLm load() throws IOException, OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment(); // process-wide, never closed
        byte[] modelBytes = resource(MODEL_FILE);
        HuggingFaceTokenizer tokenizer;
        try (InputStream in = AllMiniLmL6V2QuantizedEmbeddingModel.class.getResourceAsStream(TOKENIZER_FILE)) {
            if (in == null) {
                throw new IOException(TOKENIZER_FILE + " is missing from the langchain4j model jar");
            }
            // We count and cut tokens ourselves: no padding, no truncation inside the tokenizer.
            tokenizer = HuggingFaceTokenizer.newInstance(in, Map.of("padding", "false", "truncation", "false"));
        }
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            return new MiniLm(env, env.createSession(modelBytes, options), tokenizer);
        } catch (OrtException | RuntimeException e) {
            tokenizer.close();
            throw e;
        }
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = AllMiniLmL6V2QuantizedEmbeddingModel.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException(name + " is missing from the langchain4j model jar");
            }
            return in.readAllBytes();
        }
    }

    /** The L2-normalised mean of the last hidden states of the text's first {@link #MAX_TOKENS} tokens. */
    float[] embed(String text) throws OrtException {
        long[] ids = tokenizer.encode(text).getIds();
        if (ids.length > MAX_TOKENS) {
            ids = Arrays.copyOf(ids, MAX_TOKENS);
            ids[MAX_TOKENS - 1] = sepId;
        }
        long[] shape = {1, ids.length};
        long[] mask = new long[ids.length];
        Arrays.fill(mask, 1);
        try (OnnxTensor idsT = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape);
             OnnxTensor maskT = OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape);
             OnnxTensor typesT = OnnxTensor.createTensor(env, LongBuffer.wrap(new long[ids.length]), shape)) {
            Map<String, OnnxTensor> inputs = wantsTypeIds
                    ? Map.of("input_ids", idsT, "attention_mask", maskT, "token_type_ids", typesT)
                    : Map.of("input_ids", idsT, "attention_mask", maskT);
            try (OrtSession.Result result = session.run(inputs)) {
                return meanNormalised(((OnnxTensor) result.get(0)).getFloatBuffer(), ids.length);
            }
        }
    }

    private static float[] meanNormalised(FloatBuffer hidden, int tokens) {
        float[] v = new float[DIMENSIONS];
        for (int t = 0; t < tokens; t++) {
            for (int d = 0; d < DIMENSIONS; d++) {
                v[d] += hidden.get(t * DIMENSIONS + d);
            }
        }
        // The mean's 1/tokens factor cancels in the normalisation; only the norm matters.
        double norm = 0;
        for (float x : v) {
            norm += (double) x * x;
        }
        float scale = (float) (1 / Math.sqrt(norm));
        for (int d = 0; d < DIMENSIONS; d++) {
            v[d] *= scale;
        }
        return v;
    }

    /** Word pieces of the whole text, without [CLS]/[SEP] and before the {@link #MAX_TOKENS} cut. */
    int countTokens(String text) {
        Encoding e = tokenizer.encode(text, false, false);
        return e.getIds().length;
    }

    /** Frees the session (weights and its memory arena) and the native tokenizer. */
    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("closing the ONNX session failed", e);
        } finally {
            tokenizer.close();
        }
    }
}
